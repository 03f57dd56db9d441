import { describe, expect, it } from "vitest";
import { HOSTILE } from "../../../test/support/hostile.ts";
import { containerText, displayText, LBRACE_ENV, needsLbrace } from "../src/escape.ts";
import { k8sExpand } from "./support/k8s.ts";

const CONTAINER_ENV = { [LBRACE_ENV]: "{", HOME: "/root", AWS_SECRET_ACCESS_KEY: "s3cr3t" };

describe("containerText: what Argo reads and what the container receives", () => {
  it.each(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style reference, on purpose.
    HOSTILE.concat(["{{", "{{{{", "{ {", "}}", "$", "$$", "$(", "$(HOME", "${HOME}", "a{{b}}c{{d"]),
  )("round-trips %j through Kubernetes expansion without a {{ for Argo", (text) => {
    const encoded = containerText(text);
    expect(encoded).not.toContain("{{");
    expect(k8sExpand(encoded, CONTAINER_ENV)).toBe(text);
  });

  it("leaves ordinary text alone", () => {
    expect(containerText("model.alpha=0.5")).toBe("model.alpha=0.5");
    expect(containerText('{"a":{"b":1}}')).toBe('{"a":{"b":1}}');
  });

  it("needs the brace variable only for text with {{", () => {
    expect(needsLbrace(["a", "$(HOME)", "{x}"])).toBe(false);
    expect(needsLbrace(["a", "{{x}}"])).toBe(true);
  });

  it("splits {{ in display names", () => {
    expect(displayText("{{workflow.name}}")).toBe("{ {workflow.name}}");
    expect(displayText("{{{")).not.toContain("{{");
  });
});
