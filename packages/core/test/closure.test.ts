// ModuleGraph.closure takes the closure of the outermost file on a definition stack when it
// reaches the others (see `covered`). On random import graphs (cycles included) and random
// stacks, it must equal the plain walk from every file on the stack.
import { describe, expect, it } from "vitest";
import { random } from "../../../test/support/random-plan.ts";
import { ModuleGraph } from "../src/compile/module-graph.ts";
import type { GraphState } from "../src/compile/stamps.ts";

const ROOT = "/project";

function randomState(next: () => number, size: number): GraphState {
  const file = (i: number) => `${ROOT}/src/m${i}.ts`;
  const modules: GraphState["modules"] = {};
  for (let i = 0; i < size; i++) {
    const imports = new Set<string>();
    for (let k = Math.floor(next() * 4); k > 0; k--) {
      // Mostly earlier modules (a layered project), sometimes any (cycles).
      const j = next() < 0.8 && i > 0 ? Math.floor(next() * i) : Math.floor(next() * size);
      if (j !== i) imports.add(file(j));
    }
    modules[file(i)] = {
      hash: `h${i}`,
      stamp: { mtimeMs: 0, size: 0, ino: 0, takenAt: 0 },
      imports: [...imports].sort(),
      packages: next() < 0.3 ? [`p${Math.floor(next() * 3)}`] : [],
    };
  }
  return {
    v: 2,
    root: ROOT,
    entries: [],
    modules,
    packages: { p0: "1.0.0", p1: "2.0.0", p2: "3.0.0" },
    dirs: {},
    configs: {},
  };
}

/** The closure by the plain walk from every file. */
function reference(state: GraphState, files: readonly string[]) {
  const seen = new Set(files.filter((f) => f in state.modules));
  const queue = [...seen];
  for (let i = 0; i < queue.length; i++)
    for (const next of state.modules[queue[i]!]!.imports)
      if (!seen.has(next)) seen.add(next) && queue.push(next);
  const sortedEntries = (entries: [string, string][]) =>
    Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    files: sortedEntries([...seen].map((f) => [f.slice(ROOT.length + 1), state.modules[f]!.hash])),
    packages: sortedEntries(
      [...new Set([...seen].flatMap((f) => state.modules[f]!.packages))].map((p) => [
        p,
        state.packages[p]!,
      ]),
    ),
  };
}

describe("ModuleGraph.closure", () => {
  it("equals the walk from every file of the stack", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const size = 2 + Math.floor(next() * 30);
      const state = randomState(next, size);
      const graph = new (
        ModuleGraph as unknown as new (
          root: string,
          s: GraphState,
        ) => ModuleGraph
      )(ROOT, state);
      const names = Object.keys(state.modules);
      for (let s = 0; s < 20; s++) {
        const stack = Array.from(
          { length: 1 + Math.floor(next() * 4) },
          // Now and then a file outside the graph (a stack frame it does not know).
          () => (next() < 0.1 ? `${ROOT}/other.ts` : names[Math.floor(next() * names.length)]!),
        );
        expect(graph.closure(stack), `seed ${seed}, ${stack.join(" ")}`).toEqual(
          reference(state, stack),
        );
      }
    }
  });
});
