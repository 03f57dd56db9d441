import { describe, expect, it } from "vitest";
import { partition } from "../src/partition.ts";
import type { ArgoTask } from "../src/tasks.ts";
import { emit } from "./support/manifest.ts";
import { orderProblems } from "./support/order.ts";
import { random, randomPlan } from "./support/random.ts";

/** Bare tasks for partition(): one node each, depending on the given earlier tasks. */
function tasks(deps: number[][]): ArgoTask[] {
  return deps.map((d, i) => ({
    id: `t${i}`,
    name: `t${i}`,
    nodes: [`t${i}`],
    dependsOn: d.map((j) => `t${j}`),
    display: `t${i}`,
    settings: { resources: {}, retries: 0, timeoutSeconds: null },
    patch: undefined,
    memoKey: undefined,
    profile: { key: "", suffix: "", pod: {}, memoize: false },
  }));
}

describe("partition", () => {
  it("keeps up to the cap in one DAG", () => {
    const { main, parts } = partition(tasks([[], [0], [1]]), 3);
    expect(parts).toEqual([]);
    expect(main.tasks.map((t) => t.id)).toEqual(["t0", "t1", "t2"]);
  });

  it("cuts by depth, so a wide layer stays parallel and parts wait only for what they need", () => {
    // t0..t3 are sources, t4..t7 each read one source: two layers of four.
    const { parts } = partition(tasks([[], [], [], [], [0], [1], [2], [3]]), 4);
    expect(parts.map((p) => p.tasks.map((t) => t.id))).toEqual([
      ["t0", "t1", "t2", "t3"],
      ["t4", "t5", "t6", "t7"],
    ]);
    expect(parts.map((p) => p.dependsOn)).toEqual([[], ["part-1"]]);
  });

  it("gives equal parts under the cap", () => {
    const chain = Array.from({ length: 401 }, (_, i) => (i === 0 ? [] : [i - 1]));
    const { parts } = partition(tasks(chain));
    expect(parts.map((p) => p.tasks.length)).toEqual([134, 134, 133]);
    expect(parts.map((p) => p.dependsOn)).toEqual([[], ["part-1"], ["part-2"]]);
  });

  it("never makes a part wait for a later one (random DAGs)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = random(seed);
      const n = 50 + Math.floor(rnd() * 400);
      const deps = Array.from({ length: n }, (_, i) =>
        Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * i)).filter(
          (j) => j < i,
        ),
      );
      const { parts } = partition(tasks(deps), 1 + Math.floor(rnd() * 60));
      const index = new Map(parts.map((p, i) => [p.name, i]));
      for (const [i, p] of parts.entries())
        for (const d of p.dependsOn) expect(index.get(d)!).toBeLessThan(i);
    }
  });
});

describe("emitted dependencies imply every edge of the plan (random DAGs up to 5k nodes)", () => {
  const cases = [
    { nodes: 1, seed: 1 },
    { nodes: 2, seed: 2 },
    { nodes: 120, seed: 3, maxInputs: 6 },
    { nodes: 200, seed: 4 },
    { nodes: 201, seed: 5 },
    { nodes: 1000, seed: 6, window: 1 },
    { nodes: 1500, seed: 7, window: 1500, maxInputs: 1 },
    { nodes: 5000, seed: 8, window: 40 },
  ];
  it.each(cases)("$nodes nodes (seed $seed)", (c) => {
    const plan = randomPlan(c);
    const { doc, spec } = emit(plan);
    expect(orderProblems(doc, plan)).toEqual([]);
    const dags = spec.templates.filter((t: { dag?: unknown }) => t.dag);
    expect(dags.length).toBe(c.nodes <= 200 ? 1 : 1 + Math.ceil(c.nodes / 200));
  });

  it("with nodes grouped by namespace", () => {
    const plan = randomPlan({ nodes: 3000, seed: 9, window: 200, namespaces: 300 });
    const { doc, tasks } = emit(plan, { group: { by: "namespace" } });
    expect(orderProblems(doc, plan)).toEqual([]);
    expect(tasks.length).toBe(2); // 300 tasks: two parts under "main"
  });
});
