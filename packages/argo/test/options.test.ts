import { describe, expect, it } from "vitest";
import { type ArgoOptions, compileArgo } from "../src/index.ts";
import { smallPlan } from "./support/fixtures.ts";
import { IMAGE } from "./support/manifest.ts";

const plan = smallPlan();

/** The issues compileArgo reports for these options, as "path: message". */
function problems(options: Record<string, unknown>): string[] {
  try {
    compileArgo(plan, options as unknown as ArgoOptions);
  } catch (e) {
    const err = e as { code: string; issues?: { path: string[]; message: string }[] };
    expect(err.code).toBe("ADAPTER_OPTION");
    return (err.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
  }
  throw new Error("expected compileArgo to throw");
}

describe("compileArgo: option checks", () => {
  it("needs an image", () => {
    expect(problems({})).toEqual([
      expect.stringMatching(/^argo\.image: argo option image is required/),
    ]);
  });

  it("reports every problem at once, each with its path", () => {
    const found = problems({
      image: IMAGE,
      imge: "typo",
      namespace: "Data Science",
      resources: { cpu: "2 cores", memory: "4GB" },
      memoize: { maxAge: "1d" },
      labels: { team: "ml ops" },
      annotations: { note: "{{workflow.name}}" },
      storage: { cache: "/mnt/cache", credentialsSecret: "S3_Creds" },
      retries: -1,
      parallelism: 0,
      secretEnv: { TOKEN: { secret: "api" } },
      kind: "job",
    });
    expect(found).toEqual([
      expect.stringMatching(/^argo\.imge: .*is not an option; did you mean "image"\?/),
      expect.stringMatching(/^argo\.kind: .*must be one of workflow, template, cron/),
      expect.stringMatching(/^argo\.namespace: .*is not a DNS-1123 label/),
      expect.stringMatching(/^argo\.secretEnv\.TOKEN: .*must be \{ secret/),
      expect.stringMatching(/^argo\.storage\.cache: .*is not an s3:\/\/ URI/),
      expect.stringMatching(/^argo\.storage\.credentialsSecret: .*is not a Kubernetes object name/),
      expect.stringMatching(/^argo\.resources\.cpu: .*"2 cores" is not a Kubernetes quantity/),
      expect.stringMatching(/^argo\.resources\.memory: .*"4GB" is not a Kubernetes quantity/),
      expect.stringMatching(/^argo\.retries: .*must be an integer >= 0/),
      expect.stringMatching(/^argo\.parallelism: .*must be an integer >= 1/),
      expect.stringMatching(/^argo\.labels\.team: .*is not a label value/),
      expect.stringMatching(/^argo\.annotations\.note: .*Argo would read as a template tag/),
      expect.stringMatching(/^argo\.memoize\.maxAge: .*Argo has no "d" unit: use "24h"/),
    ]);
  });

  it("checks env names, secret references, label keys and the artifact repository", () => {
    const found = problems({
      image: IMAGE,
      env: { "1BAD": "x", GOOD: 3 },
      secretEnv: { TOKEN: { secret: "api", key: "a key" } },
      labels: { "example.com/ok": "yes", "bad key": "x" },
      artifactRepositoryRef: { configMap: "Repos", key: "k" },
    });
    expect(found).toEqual([
      expect.stringMatching(/^argo\.env\.1BAD: .*is not an environment variable name/),
      expect.stringMatching(/^argo\.env\.GOOD: .*must be a string/),
      expect.stringMatching(/^argo\.secretEnv\.TOKEN\.key: .*is not a secret key/),
      expect.stringMatching(/^argo\.labels\.bad key: .*is not a valid key/),
      expect.stringMatching(
        /^argo\.artifactRepositoryRef\.configMap: .*is not a Kubernetes object name/,
      ),
    ]);
  });

  it("refuses {{ where Argo would evaluate it and nothing can encode it", () => {
    expect(problems({ image: "repo/{{workflow.name}}:1" })).toEqual([
      expect.stringMatching(/^argo\.image: .*Argo would read as a template tag/),
    ]);
    expect(problems({ image: IMAGE, workingDir: "/srv/{{x}}" })).toEqual([
      expect.stringMatching(/^argo\.workingDir: /),
    ]);
  });

  it("reports a node's bad resource quantity with the node's name and location", () => {
    const bad = smallPlan();
    bad.nodes[0]!.resources = { cpu: "lots" };
    expect(() => compileArgo(bad, { image: IMAGE })).toThrow(
      /node "clean" \(packages\/argo\/test\/support\/fixtures\.ts:\d+\): resources\.cpu "lots" is not a Kubernetes quantity/,
    );
  });

  it("accepts a number for cpu, as node() does", () => {
    expect(() =>
      compileArgo(plan, { image: IMAGE, resources: { cpu: 2 as unknown as string } }),
    ).not.toThrow();
  });
});
