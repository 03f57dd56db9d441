// The Argo manifests of the spaceflights example, in all three kinds, as golden files
// (test/targets/golden/argo-*), each also validated with @kubernetes-models/argo-workflows
// and the controller's own rules. docs/targets/argo.md shows the Workflow.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "@pipewright/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type ArgoOptions, compileArgo } from "../../packages/argo/src/index.ts";
import { expectGolden } from "../../packages/argo/test/support/golden.ts";
import { orderProblems } from "../../packages/argo/test/support/order.ts";
import { validManifest } from "../../packages/argo/test/support/rules.ts";
import { examplePlan } from "../support/example-plan.ts";

/** What docs/targets/argo.md uses: the example's own target settings, plus a name and credentials. */
const SPACEFLIGHTS_ARGO: ArgoOptions = {
  name: "spaceflights",
  image: "ghcr.io/example/spaceflights:0.1.0",
  namespace: "argo",
  serviceAccountName: "pipewright",
  storage: { cache: "s3://spaceflights/cache", credentialsSecret: "spaceflights-s3" },
  group: { by: "memory" },
};

const kinds: [string, Partial<ArgoOptions>][] = [
  ["workflow", {}],
  ["template", { kind: "template" }],
  [
    "cron",
    { kind: "cron", schedules: ["0 6 * * *"], timezone: "UTC", concurrencyPolicy: "Forbid" },
  ],
];

let plan: Plan;
beforeAll(async () => {
  plan = await examplePlan("spaceflights");
});

describe("argo: spaceflights", () => {
  it.each(kinds)("%s", (kind, options) => {
    const text = compileArgo(plan, { ...SPACEFLIGHTS_ARGO, ...options });
    const [doc] = validManifest(text);
    expect(orderProblems(doc!, plan)).toEqual([]);
    expectGolden(join(import.meta.dirname, "golden", `argo-spaceflights-${kind}.yaml`), text);
  });

  it("needs grouping by memory: its train/test splits are in-memory datasets", () => {
    expect(() => compileArgo(plan, { ...SPACEFLIGHTS_ARGO, group: { by: "node" } })).toThrow(
      expect.objectContaining({ code: "MEMORY_CROSSES_TASK" }),
    );
  });

  it("is what docs/targets/argo.md shows (UPDATE_GOLDEN=1 rewrites it there too)", () => {
    const file = join(import.meta.dirname, "..", "..", "docs", "targets", "argo.md");
    const block = /(<!-- argo-spaceflights-workflow[^>]*-->\n```yaml\n)([\s\S]*?)```/;
    const golden = readFileSync(
      join(import.meta.dirname, "golden", "argo-spaceflights-workflow.yaml"),
      "utf8",
    );
    const doc = readFileSync(file, "utf8");
    if (process.env.UPDATE_GOLDEN === "1")
      writeFileSync(
        file,
        doc.replace(block, (_, head: string) => `${head}${golden}\`\`\``),
      );
    expect(block.exec(readFileSync(file, "utf8"))?.[2]).toBe(golden);
  });
});
