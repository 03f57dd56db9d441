import { compile, dataset, node, pipeline } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileKubeflow } from "../src/index.ts";
import { emit } from "./support/emit.ts";
import { IMAGE, ROOT, s3Catalog, smallPlan } from "./support/fixtures.ts";
import { nodesOf, structureProblems } from "./support/kfp.ts";
import { randomPlan } from "./support/random.ts";

describe("grouping: several nodes per task", () => {
  it.each([
    ["node", {}],
    ["namespace", { by: "namespace" }],
    ["tag", { by: "tag" }],
    ["tag with priorities", { by: "tag", tags: ["prep"] }],
    ["memory", { by: "memory" }],
  ] as const)("by %s: every node once, edges equal the plan's", (_, group) => {
    emit(smallPlan(), { group }); // emit checks the structure against the plan
  });

  it("runs a group's nodes in topological order in one executor, with merged settings", () => {
    const plan = smallPlan();
    for (const n of plan.nodes) n.namespace = "all";
    const { tasks, executorOf, k8s } = emit(plan, {
      group: { by: "namespace" },
      timeoutSeconds: 100,
    });
    expect(Object.keys(tasks)).toEqual(["all"]);
    expect(tasks.all!.taskInfo.name).toBe("all (5 nodes)");
    expect(nodesOf(executorOf("all"))).toEqual(plan.order);
    expect(executorOf("all").container.resources).toEqual({
      resourceCpuRequest: "2",
      resourceMemoryRequest: "4Gi",
      resourceMemoryLimit: "4Gi",
      accelerator: { resourceType: "nvidia.com/gpu", resourceCount: "1" },
    });
    expect(tasks.all!.retryPolicy.maxRetryCount).toBe(2);
    expect(k8s("all")).toEqual({ activeDeadlineSeconds: 100 + 100 + 600 + 100 + 100 });
  });

  it("refuses in-memory data between tasks, like the other engines", () => {
    const a = dataset("a", z.number());
    const b = dataset("b", z.number());
    const c = dataset("c", z.number());
    const plan = compile(
      pipeline([
        node({ name: "first", inputs: { a }, outputs: { b }, run: () => ({ b: 1 }) }),
        node({ name: "second", inputs: { b }, outputs: { c }, run: () => ({ c: 1 }) }),
      ]),
      {
        catalog: { resolve: (id) => (id === "b" ? undefined : s3Catalog.resolve(id)) },
        root: ROOT,
      },
    );
    expect(() => compileKubeflow(plan, { image: IMAGE })).toThrow(
      expect.objectContaining({ code: "MEMORY_CROSSES_TASK" }),
    );
    expect(Object.keys(emit(plan, { group: { by: "memory" } }).tasks)).toEqual(["first"]);
  });

  it("property: random DAGs up to 5,000 nodes, one task per node or grouped by namespace", () => {
    for (const [seed, nodes, window, namespaces] of [
      [1, 30, 5, 0],
      [2, 200, 200, 7],
      [3, 1000, 20, 40],
      [4, 5000, 50, 0],
    ] as const) {
      const plan = randomPlan({ nodes, seed, window, ...(namespaces && { namespaces }) });
      const group = namespaces ? { by: "namespace" as const } : undefined;
      const text = compileKubeflow(plan, { image: IMAGE, ...(group && { group }) });
      expect(structureProblems(text, plan)).toEqual([]);
    }
  });
});
