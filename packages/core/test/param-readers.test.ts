// A param's consumers in the plan are found in one pass over the nodes (compile.ts,
// paramReaders). On random pipelines (nodes reading random params, some under two keys,
// runtime params too) they must be what the plain definition gives: the ids of the nodes
// with an input of that param, each once, sorted.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { random } from "../../../test/support/random.ts";
import { compile, dataset, type Node, node, param, pipeline } from "../src/index.ts";

function randomNodes(seed: number): Node[] {
  const next = random(seed);
  const params = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, i) =>
    param(`p${i}`, z.number(), { runtime: next() < 0.2 }),
  );
  return Array.from({ length: 1 + Math.floor(next() * 30) }, (_, i) => {
    const inputs: Record<string, ReturnType<typeof param>> = {};
    for (let k = 0; k < Math.floor(next() * 4); k++)
      inputs[`k${k}`] = params[Math.floor(next() * params.length)]!;
    // Declared in a random order, so pipeline order is not name order.
    return node({
      name: `n${Math.floor(next() * 1000)}_${i}`,
      inputs,
      outputs: { out: dataset(`d${i}`, z.number()) },
      run: () => ({ out: 1 }),
    });
  });
}

describe("param consumers", () => {
  it("are the nodes reading each param, once each, sorted (300 random pipelines)", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const nodes = randomNodes(seed);
      const values = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, i]));
      const plan = compile(pipeline(nodes), { params: values });
      for (const p of plan.params) {
        const expected = nodes
          .filter((n) => Object.values(n.inputs).some((h) => h.type === "param" && h.name === p.id))
          .map((n) => n.id)
          .sort();
        expect(p.consumers, `seed ${seed}, ${p.id}`).toEqual(expected);
      }
      expect(plan.params.length).toBe(
        new Set(nodes.flatMap((n) => n.paramInputs().map(([, h]) => h.name))).size,
      );
    }
  });
});
