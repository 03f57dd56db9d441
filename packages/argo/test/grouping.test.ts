import { compile, dataset, node, pipeline } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileArgo } from "../src/index.ts";
import { ROOT, s3Catalog, smallPlan } from "./support/fixtures.ts";
import { emit, IMAGE } from "./support/manifest.ts";
import { orderProblems } from "./support/order.ts";

const plan = smallPlan();

describe("grouping: several nodes per pod", () => {
  it("runs a group through a template of its size, passing --node once per node in topological order", () => {
    const { doc, templates, task, param } = emit(plan, { group: { by: "tag", tags: ["prep"] } });
    expect([...templates.keys()]).toEqual(["main", "run-node", "run-nodes-2"]);
    const args = templates.get("run-nodes-2")!.container.args;
    expect(args.slice(3, 7)).toEqual([
      "--node",
      "{{inputs.parameters.node-1}}",
      "--node",
      "{{inputs.parameters.node-2}}",
    ]);
    expect(templates.get("run-nodes-2")!.annotations).toEqual({
      "workflows.argoproj.io/display-name": "{{inputs.parameters.display-name}}",
    });
    const group = task("tag-prep");
    expect(group.template).toBe("run-nodes-2");
    expect([param(group, "node-1"), param(group, "node-2")]).toEqual(["clean", "featurize"]);
    expect(param(group, "display-name")).toBe("tag:prep (2 nodes)");
    expect(task("stats").depends).toBe("tag-prep");
    expect(orderProblems(doc, plan)).toEqual([]);
  });

  it("fuses nodes joined by in-memory datasets with group by memory", () => {
    const a = dataset("a", z.number());
    const b = dataset("b", z.number());
    const c = dataset("c", z.number());
    const memoryPlan = compile(
      pipeline([
        node({ name: "first", inputs: { a }, outputs: { b }, run: () => ({ b: 1 }) }),
        node({ name: "second", inputs: { b }, outputs: { c }, run: () => ({ c: 1 }) }),
      ]),
      {
        catalog: { resolve: (id) => (id === "b" ? undefined : s3Catalog.resolve(id)) },
        root: ROOT,
      },
    );
    expect(() => compileArgo(memoryPlan, { image: IMAGE })).toThrow(
      expect.objectContaining({ code: "MEMORY_CROSSES_TASK" }),
    );
    const { tasks, doc } = emit(memoryPlan, { group: { by: "memory" } });
    expect(tasks.map((t) => t.template)).toEqual(["run-nodes-2"]);
    expect(orderProblems(doc, memoryPlan)).toEqual([]);
  });

  it("gives a group the largest requests, the most retries and the sum of the timeouts", () => {
    const grouped = smallPlan();
    for (const n of grouped.nodes) n.namespace = "all";
    const { tasks, param } = emit(grouped, {
      group: { by: "namespace" },
      timeoutSeconds: 100,
      resources: { cpu: "500m", memory: "512Mi" },
    });
    expect(tasks).toHaveLength(1);
    expect(JSON.parse(param(tasks[0]!, "pod-spec-patch")!)).toEqual({
      // The sum of the timeouts, plus one start-up allowance (default 300s).
      activeDeadlineSeconds: 100 + 100 + 600 + 100 + 100 + 300,
      containers: [
        {
          name: "main",
          resources: {
            requests: { cpu: "2", memory: "4Gi" },
            limits: { memory: "4Gi", "nvidia.com/gpu": "1" },
          },
        },
      ],
    });
    expect(param(tasks[0]!, "retries")).toBe("2");
  });
});

describe("per-node settings", () => {
  it("puts the defaults in the shared template and only differences in a task's arguments", () => {
    const { templates, task, param } = emit(plan, {
      resources: { cpu: "500m", memory: "1Gi" },
      retries: 1,
      timeoutSeconds: 3600,
    });
    const t = templates.get("run-node")!;
    expect(t.container.resources).toEqual({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { memory: "1Gi" },
    });
    expect(t.activeDeadlineSeconds).toBe(3600 + 300);
    expect(t.retryStrategy).toEqual({
      limit: "{{inputs.parameters.retries}}",
      retryPolicy: "Always",
      backoff: { duration: "10s", factor: 2 },
    });
    expect(t.inputs.parameters).toEqual([
      { name: "node" },
      { name: "pod-spec-patch", default: "{}" },
      { name: "retries", default: "1" },
    ]);
    expect(t.podSpecPatch).toBe("{{inputs.parameters.pod-spec-patch}}");
    expect(task("clean").arguments.parameters).toEqual([{ name: "node", value: "clean" }]);
    expect(JSON.parse(param(task("featurize"), "pod-spec-patch")!)).toEqual({
      containers: [
        {
          name: "main",
          resources: { requests: { cpu: "2", memory: "4Gi" }, limits: { memory: "4Gi" } },
        },
      ],
    });
    expect(JSON.parse(param(task("stats"), "pod-spec-patch")!)).toEqual({
      activeDeadlineSeconds: 600 + 300,
    });
    expect(param(task("science-train"), "retries")).toBe("2");
  });

  it("has no retry strategy, deadline or patch when nothing asks for them", () => {
    const bare = smallPlan();
    for (const n of bare.nodes) {
      n.resources = {};
      n.retries = 0;
      n.timeoutSeconds = null;
    }
    const t = emit(bare).templates.get("run-node")!;
    expect(Object.keys(t).sort()).toEqual(["annotations", "container", "inputs", "name"]);
    expect(t.container.resources).toBeUndefined();
  });

  it("uses a fixed retry limit when every task has the same", () => {
    const t = emit(plan, { retries: 2 }).templates.get("run-node")!;
    expect(t.retryStrategy.limit).toBe(2);
    expect(t.inputs.parameters.map((p: { name: string }) => p.name)).not.toContain("retries");
  });
});
