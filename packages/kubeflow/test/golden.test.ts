// Golden files (test/golden/, `vitest -u` rewrites them): the small plan on both engines,
// and the spaceflights example compiled from its real plan with its own target settings,
// which docs/targets/kubeflow.md shows. Each is also checked structurally against its plan;
// scripts/validate-kfp.sh checks them with KFP's protos.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { examplePlan } from "../../../test/support/example-plan.ts";
import { loadProject } from "../../cli/src/project.ts";
import { compileKubeflow, type KubeflowOptions } from "../src/index.ts";
import { IMAGE, smallPlan } from "./support/fixtures.ts";
import { structureProblems } from "./support/kfp.ts";

const golden = (name: string) => join(import.meta.dirname, "golden", name);

describe("golden files", () => {
  it("small plan on Kubeflow, with pod settings", async () => {
    const plan = smallPlan();
    const text = compileKubeflow(plan, {
      image: IMAGE,
      group: { by: "tag", tags: ["prep"] },
      retries: 1,
      storage: { cache: "s3://bucket/cache", credentialsSecret: "s3-keys" },
      pod: {
        env: { LOG_LEVEL: "info" },
        tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }],
        overrides: [{ match: { namespace: "science" }, nodeSelector: { pool: "gpu" } }],
      },
    });
    expect(structureProblems(text, plan)).toEqual([]);
    await expect(text).toMatchFileSnapshot(golden("small-kubeflow.yaml"));
  });

  it("small plan on Vertex AI", async () => {
    const plan = smallPlan();
    const text = compileKubeflow(plan, {
      image: IMAGE,
      engine: "vertex",
      accelerator: "NVIDIA_L4",
    });
    expect(structureProblems(text, plan)).toEqual([]);
    await expect(text).toMatchFileSnapshot(golden("small-vertex.yaml"));
  });

  it("spaceflights, as `pipewright compile --target kubeflow` writes it and the docs show it", async () => {
    const root = join(import.meta.dirname, "..", "..", "..");
    const project = await loadProject(join(root, "examples", "spaceflights"));
    const plan = await examplePlan("spaceflights");
    const target = project.config.targets?.kubeflow as KubeflowOptions;
    const text = compileKubeflow(plan, {
      name: "spaceflights",
      ...target,
      pipeline: "__default__",
    });
    expect(structureProblems(text, plan)).toEqual([]);
    await expect(text).toMatchFileSnapshot(golden("spaceflights.yaml"));
    const doc = readFileSync(join(root, "docs", "targets", "kubeflow.md"), "utf8");
    const block =
      /<!-- golden: packages\/kubeflow\/test\/golden\/spaceflights.yaml -->\n```yaml\n([\s\S]*?)```/;
    expect(block.exec(doc)?.[1], "docs/targets/kubeflow.md shows the golden file").toBe(text);
  });
});
