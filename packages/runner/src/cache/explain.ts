import type { PlanNode } from "@pipewright/core";
import { DataStore } from "@pipewright/io";
import { z } from "zod";
import { DataAccess } from "../exec/data.ts";
import { indexPlan, isMemory, type PlanIndex } from "../plan-index.ts";
import type { CacheCause, ExplainOptions, NodeStatus } from "../types.ts";
import { defaultCacheDir, openCacheBackend } from "./backend.ts";
import { compareParts, missCauses } from "./causes.ts";
import { type ExplainState, explainMapNode, partitionHashes } from "./explain-map.ts";
import { fullKey, type KeyParts, keyParts } from "./key.ts";
import { type CacheEntry, CacheStore } from "./store.ts";

/**
 * What `pipewright status` shows: for every node of the plan, in order, whether a run now
 * would use the cache or run it, and why. Reads only: nothing is written or restored.
 * A node downstream of one that runs is reported as running, with an "input" cause
 * naming that upstream node; at run time early cutoff may still hit it if the upstream
 * writes the same bytes again.
 *
 * @example
 * for (const s of await explainPlan({ root, plan })) console.log(s.name, s.state, s.causes.map((c) => c.detail));
 */
export async function explainPlan(o: ExplainOptions): Promise<NodeStatus[]> {
  const index = indexPlan(o.plan);
  const cache =
    o.cache === false
      ? undefined
      : new CacheStore(
          openCacheBackend(o.cacheDir ?? defaultCacheDir(o.root), o.root, o.cacheStorage),
        );
  const data = new DataAccess(
    o.store ?? new DataStore({ root: o.root }),
    o.memory ?? new Map(),
    () => z.unknown(),
  );
  const known = new Map<string, string>();
  /** Dataset id -> the node that will rewrite it in this run. */
  const rewritten = new Map<string, string>();
  const state: ExplainState = { index, cache, data, known, knownParts: new Map(), rewritten };
  const result: NodeStatus[] = [];
  for (const node of o.plan.nodes) {
    const status = await explainNode(node, index, cache, data, known, rewritten, state);
    if (status.state === "run")
      for (const id of Object.values(node.outputs)) rewritten.set(id, node.id);
    result.push(status);
  }
  return result;
}

async function explainNode(
  node: PlanNode,
  index: PlanIndex,
  cache: CacheStore | undefined,
  data: DataAccess,
  known: Map<string, string>,
  rewritten: Map<string, string>,
  state: ExplainState,
): Promise<NodeStatus> {
  const pending: CacheCause[] = [];
  for (const id of Object.values(node.inputs)) {
    if (known.has(id)) continue;
    const upstream = rewritten.get(id);
    if (upstream !== undefined) {
      pending.push({
        kind: "input",
        dataset: id,
        upstream,
        detail: `upstream node "${upstream}" runs first and rewrites "${id}"`,
      });
      continue;
    }
    const ds = index.datasets.get(id)!;
    if (ds.partitioned) {
      if (await partitionHashes(id, state)) continue;
      pending.push({
        kind: "input",
        dataset: id,
        upstream: ds.producer,
        detail: `"${id}" is in memory and not produced in this run`,
      });
      continue;
    }
    const hash = await data.storedHash(ds);
    if (hash !== undefined) known.set(id, hash);
    else {
      const why = isMemory(ds)
        ? "is in memory and not produced in this run"
        : `does not exist (${ds.storage.uri ?? ds.storage.type})`;
      pending.push({ kind: "input", dataset: id, upstream: ds.producer, detail: `"${id}" ${why}` });
    }
  }
  if (node.map) return explainMapNode(node, state, pending);
  const run = (causes: CacheCause[], key: string | null): NodeStatus => ({
    name: node.id,
    state: "run",
    causes,
    cacheKey: key,
  });
  if (!cache || !node.cache) {
    const detail = node.cache
      ? "caching is off for this run (--no-cache)"
      : "the node opts out of caching (cache: false)";
    return run([{ kind: "no-cache", detail }, ...pending], null);
  }
  const snapshot = await cache.lastRun(node.id);
  if (pending.length > 0) {
    // The input hashes are unknown until the upstream runs; the other parts can be compared now.
    const parts = keyParts(node, known, index);
    const own = compareParts(snapshot?.parts, withPrevious(parts, snapshot?.parts, pending));
    return run([...own, ...pending], null);
  }
  const key = fullKey(node, known, index);
  const entry = await cache.getEntry(key);
  if (entry && (await usable(node, entry, index, cache, data))) {
    for (const id of Object.values(node.outputs)) known.set(id, entry.outputs[id]!.hash);
    return { name: node.id, state: "cached", causes: [], cacheKey: key };
  }
  if (entry) {
    return run(
      [
        {
          kind: "missing-output",
          detail: "the outputs are gone or changed and the cache store has no intact copy",
        },
      ],
      key,
    );
  }
  return run(missCauses(snapshot, keyParts(node, known, index), key), key);
}

/** `now` with the previous facts of the inputs still to be produced, so only the node's own changes show. */
function withPrevious(now: KeyParts, prev: KeyParts | undefined, pending: CacheCause[]): KeyParts {
  if (!prev) return now;
  const inputs = { ...now.inputs };
  for (const c of pending) {
    const before = c.dataset === undefined ? undefined : prev.inputs[c.dataset];
    if (before && inputs[c.dataset!])
      inputs[c.dataset!] = { ...inputs[c.dataset!]!, hash: before.hash };
  }
  return { ...now, inputs };
}

/**
 * Whether every output is in place with its recorded hash, or restorable from an intact
 * blob: the same test `run` makes, so a corrupted blob shows as "run" here too.
 */
async function usable(
  node: PlanNode,
  entry: CacheEntry,
  index: PlanIndex,
  cache: CacheStore,
  data: DataAccess,
): Promise<boolean> {
  for (const id of Object.values(node.outputs)) {
    const rec = entry.outputs[id];
    if (!rec) return false;
    const ds = index.datasets.get(id)!;
    if (!isMemory(ds) && (await data.storedHash(ds)) === rec.hash) continue;
    if (!(await cache.intactBlob(rec.hash))) return false;
  }
  return true;
}
