import { createRequire } from "node:module";
import type { Pipeline } from "./pipeline.ts";

/**
 * One cycle among the `blocked` nodes, as a path of node ids that starts and ends at the
 * same node. Runs only on the error path, so it builds a graphlib graph and uses
 * Tarjan's algorithm (alg.findCycles) to pick a strongly connected component. graphlib
 * (CommonJS) is required here, on that path, rather than imported: every command loads
 * core, and only a broken pipeline needs it.
 */
export function cyclePath(p: Pipeline, blocked: readonly string[]): string[] {
  const { alg, Graph } = createRequire(import.meta.url)(
    "@dagrejs/graphlib",
  ) as typeof import("@dagrejs/graphlib");
  const { byId, producers } = p.index;
  const g = new Graph({ directed: true });
  const inBlocked = new Set(blocked);
  for (const id of blocked) g.setNode(id);
  for (const id of blocked) {
    for (const n of byId.get(id)!) {
      for (const [, ds] of n.datasetInputs()) {
        for (const prod of producers.get(ds.name) ?? [])
          if (inBlocked.has(prod.id)) g.setEdge(prod.id, id);
      }
    }
  }
  const components = alg.findCycles(g).map((c) => [...c].sort());
  components.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  const component = new Set(components[0] ?? blocked);
  // Walk successors inside the component from its smallest id until a node repeats.
  const start = [...component].sort()[0]!;
  const path = [start];
  const seen = new Map([[start, 0]]);
  let current = start;
  for (;;) {
    const next = (g.successors(current) ?? []).filter((s) => component.has(s)).sort()[0];
    if (next === undefined) return path;
    const at = seen.get(next);
    if (at !== undefined) return [...path.slice(at), next];
    seen.set(next, path.length);
    path.push(next);
    current = next;
  }
}
