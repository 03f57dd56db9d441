import { sha256 } from "../util/canonical.ts";
import type { Plan } from "./schema.ts";

/**
 * A Merkle hash per node over its static cache key and its producers' lineage hashes, so
 * an edit anywhere upstream (code, params, schema) changes every key downstream. The
 * content of free inputs is not in it: an engine's own cache (Argo's memoize, KFP's cache)
 * cannot see data, and run-node's cache check can, which is why engine caches are opt-in.
 */
export function lineageHashes(plan: Plan): Map<string, string> {
  const producer = new Map<string, string>();
  for (const ds of plan.datasets) if (ds.producer !== null) producer.set(ds.id, ds.producer);
  const out = new Map<string, string>();
  for (const n of plan.nodes) {
    const parents = [
      ...new Set(Object.values(n.inputs).flatMap((d) => producer.get(d) ?? [])),
    ].sort();
    out.set(n.id, sha256([n.cacheKey, ...parents.map((p) => out.get(p)!)].join("\n")));
  }
  return out;
}

/** The lineage of an engine task that runs `nodes`: one key for an engine's cache. */
export function taskLineage(lineage: Map<string, string>, nodes: readonly string[]): string {
  return sha256(nodes.map((n) => lineage.get(n)!).join("\n"));
}
