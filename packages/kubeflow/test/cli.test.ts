// `pipewright compile --target kubeflow` end to end: the real binary, the example's config.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../../test/support/cli.ts";
import { repoRoot } from "../../../test/support/example-plan.ts";

const spaceflights = join(repoRoot, "examples", "spaceflights");

describe("pipewright compile --target kubeflow", () => {
  it("writes what the golden file holds, from the project's targets.kubeflow", () => {
    const r = cli(["compile", "--target", "kubeflow"], { cwd: spaceflights });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const golden = readFileSync(join(import.meta.dirname, "golden", "spaceflights.yaml"), "utf8");
    expect(r.stdout).toBe(golden);
  });

  it("takes --engine vertex, and refuses what Vertex AI cannot apply with exit 1", () => {
    const r = cli(["compile", "--target", "kubeflow", "--engine", "vertex"], { cwd: spaceflights });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pod.volumes is a Kubernetes setting that Vertex AI does not apply/);
  });
});
