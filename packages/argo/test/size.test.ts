import { describe, expect, it } from "vitest";
import { renameNodes } from "../../../test/support/hostile.ts";
import { checkTemplateCount, MAX_OBJECT_BYTES } from "../src/emit.ts";
import { compileArgo } from "../src/index.ts";
import { IMAGE } from "./support/manifest.ts";
import { randomPlan } from "./support/random.ts";

describe("size limits", () => {
  it("fails with MANIFEST_TOO_LARGE, suggesting grouping, when the object would pass ~1 MB", () => {
    const plan = renameNodes(
      randomPlan({ nodes: 2500, seed: 11, window: 30 }),
      (id) => `${id}.${"x".repeat(400)}`,
    );
    let error: { code?: string; message?: string } = {};
    try {
      compileArgo(plan, { image: IMAGE });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe("MANIFEST_TOO_LARGE");
    expect(error.message).toMatch(
      /^the Argo Workflow for pipeline "random-11" \(2500 nodes in 2500 tasks\) is 1\.\d\d MB as JSON, over the ~1 MB/,
    );
    expect(error.message).toMatch(/group: \{ by: "namespace" \}/);
    expect(MAX_OBJECT_BYTES).toBe(1_000_000);
  });

  it("fails with MANIFEST_TOO_LARGE past Argo's 200 templates", () => {
    expect(() => checkTemplateCount(200, 200, "x")).not.toThrow();
    expect(() => checkTemplateCount(201, 200, "the Argo Workflow")).toThrow(
      expect.objectContaining({
        code: "MANIFEST_TOO_LARGE",
        message: expect.stringMatching(/needs 201 templates, over Argo's limit of 200/),
      }),
    );
  });
});
