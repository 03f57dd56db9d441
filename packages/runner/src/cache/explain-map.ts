import { canonicalJson, type PlanNode } from "@pipewright/core";
import { collectionHash, hashBytes, PartitionedStore } from "@pipewright/io";
import { z } from "zod";
import type { DataAccess } from "../exec/data.ts";
import { broadcastNode, keyMemoPrefix, partitionKey, partitionKeyPrefix } from "../exec/map.ts";
import { statDir } from "../exec/partition-data.ts";
import { isMemory, type PlanIndex } from "../plan-index.ts";
import type { CacheCause, NodeStatus, PartitionStatus } from "../types.ts";
import { compareParts } from "./causes.ts";
import { keyParts } from "./key.ts";
import { PartitionIndex } from "./partition-index.ts";
import type { CacheStore } from "./store.ts";

/** What `status` knows while it walks the plan (shared with explain.ts). */
export interface ExplainState {
  index: PlanIndex;
  cache: CacheStore | undefined;
  data: DataAccess;
  /** Dataset id -> content hash (collection hash for partitioned ones). */
  known: Map<string, string>;
  /** Partitioned dataset id -> partition name -> hash, when known. */
  knownParts: Map<string, Map<string, string>>;
  /** Dataset id -> the node that will rewrite it in this run. */
  rewritten: Map<string, string>;
}

const SHOWN = 20;
const anything = z.unknown();

/** The partitions of a partitioned dataset now: known from an upstream map node, or listed and hashed. */
export async function partitionHashes(
  id: string,
  s: ExplainState,
): Promise<Map<string, string> | undefined> {
  const got = s.knownParts.get(id);
  if (got) return got;
  const ds = s.index.datasets.get(id)!;
  if (isMemory(ds)) return undefined;
  // Unchanged files hash from the stats the last run remembered (read only: not saved).
  const store = new PartitionedStore(s.data.store, { statDir: statDir(s.data.store.root) });
  const hashes = new Map<string, string>();
  for (const name of await store.names(ds)) {
    const h = await store.currentHash(ds, name);
    if (h !== undefined) hashes.set(name, h);
  }
  s.knownParts.set(id, hashes);
  s.known.set(id, await collectionHash(hashes));
  return hashes;
}

/**
 * A map node's status: how many partitions would run and why (new, changed; with the
 * node-level causes — code, params, packages, whole inputs — when those changed), and
 * which partitions of the last run are gone. Reads only.
 */
export async function explainMapNode(
  node: PlanNode,
  s: ExplainState,
  pending: CacheCause[],
): Promise<NodeStatus> {
  const over = node.map!.over;
  const overId = node.inputs[over];
  const status = (state: "cached" | "run", causes: CacheCause[], partitions: PartitionStatus) => ({
    name: node.id,
    state,
    causes,
    cacheKey: null,
    partitions,
  });
  const unknown: PartitionStatus = {
    total: null,
    run: null,
    new: { count: 0, names: [] },
    changed: { count: 0, names: [] },
    removed: { count: 0, names: [] },
  };
  if (!s.cache || !node.cache) {
    const detail = node.cache
      ? "caching is off for this run (--no-cache)"
      : "the node opts out of caching (cache: false)";
    return status("run", [{ kind: "no-cache", detail }, ...pending], unknown);
  }
  // Every partition's key holds the whole inputs and the mapped one: until they are known
  // (an upstream node runs first), every partition counts as running.
  if (pending.length > 0) return status("run", pending, unknown);

  const items = await itemsNow(node, s);
  if (!items)
    return status(
      "run",
      [
        {
          kind: "input",
          detail: "its partitions are named by the node's key function, known only at run time",
        },
      ],
      unknown,
    );
  const whole = broadcastNode(node);
  const index = await PartitionIndex.open(s.cache.backend, node.id);
  const prefix = partitionKeyPrefix(s.index, node, whole, s.known);
  const overSchema = overId
    ? s.index.datasets.get(overId)!.schemaHash
    : s.index.params.get(node.params[over]!)!.schemaHash;
  const memo = keyMemoPrefix(prefix, overSchema);
  const result: PartitionStatus = {
    total: items.size,
    run: 0,
    new: { count: 0, names: [] },
    changed: { count: 0, names: [] },
    removed: { count: 0, names: [] },
  };
  const outputs = new Map(Object.values(node.outputs).map((id) => [id, new Map<string, string>()]));
  const add = (bucket: { count: number; names: string[] }, name: string) => {
    bucket.count++;
    if (bucket.names.length < SHOWN) bucket.names.push(name);
  };
  for (const [name, hash] of items) {
    const key = index.knownKey(name, hash, memo) ?? partitionKey(prefix, name, hash, overSchema);
    const entry = index.get(key);
    if (entry && (await usable(node, name, entry.outputs, s))) {
      for (const [id, m] of outputs) m.set(name, entry.outputs[id]!.hash);
      continue;
    }
    result.run!++;
    add(index.lastKey(name) ? result.changed : result.new, name);
  }
  for (const name of index.lastNames()) if (!items.has(name)) add(result.removed, name);

  if (result.run === 0) {
    for (const [id, m] of outputs) {
      s.knownParts.set(id, m);
      s.known.set(id, await collectionHash(m));
    }
    return status("cached", [], result);
  }
  const list = (b: { count: number; names: string[] }, what: string) =>
    b.count === 0
      ? []
      : [`${b.count} ${what} (${b.names.slice(0, 5).join(", ")}${b.count > 5 ? ", ..." : ""})`];
  const causes: CacheCause[] = [];
  // Code, params, packages or whole inputs changed since the last run: say so first.
  if (index.previous?.parts && index.previous.static !== node.cacheKey)
    causes.push(...compareParts(index.previous.parts, keyParts(whole, s.known, s.index)));
  else if (index.previous?.parts)
    causes.push(
      ...compareParts(index.previous.parts, keyParts(whole, s.known, s.index)).filter(
        (c) => c.kind === "input" || c.kind === "schema",
      ),
    );
  if (!index.previous)
    causes.push({ kind: "first-run", detail: "no previous run of this map node" });
  causes.push({
    kind: "input",
    ...(overId !== undefined && {
      dataset: overId,
      upstream: s.index.datasets.get(overId)!.producer,
    }),
    detail: `${result.run} of ${result.total} partitions would run: ${[
      ...list(result.new, "new"),
      ...list(result.changed, "changed"),
    ].join(", ")}`,
  });
  return status("run", causes, result);
}

/** Name -> content hash of each partition or list item, as a run would see them now. */
async function itemsNow(node: PlanNode, s: ExplainState): Promise<Map<string, string> | undefined> {
  const over = node.map!.over;
  const overId = node.inputs[over];
  if (node.map!.source === "partitions") return partitionHashes(overId!, s);
  let list: unknown;
  if (overId !== undefined) {
    const ds = s.index.datasets.get(overId)!;
    if (isMemory(ds)) return undefined;
    const bytes = await s.data.store.readBytes(ds);
    list = await s.data.store.decode(ds, bytes, anything);
  } else list = s.index.params.get(node.params[over]!)!.value;
  if (!Array.isArray(list)) return undefined;
  const out = new Map<string, string>();
  for (const item of list) {
    // Named as the runner names strings and numbers; items named by a key function need
    // the pipeline's code, which status does not load.
    if (typeof item !== "string" && typeof item !== "number") return undefined;
    const name = String(item);
    out.set(name, await hashBytes(new TextEncoder().encode(canonicalJson(item))));
  }
  return out;
}

async function usable(
  node: PlanNode,
  name: string,
  outputs: Record<string, { hash: string; inline?: string }>,
  s: ExplainState,
): Promise<boolean> {
  const store = new PartitionedStore(s.data.store);
  for (const id of Object.values(node.outputs)) {
    const rec = outputs[id];
    if (!rec) return false;
    const ds = s.index.datasets.get(id)!;
    // Kept in the index: restorable as long as the bytes match their hash.
    if (rec.inline !== undefined) {
      if (isMemory(ds) || (await store.hash(ds, name)) === rec.hash) continue;
      if ((await hashBytes(Buffer.from(rec.inline, "base64"))) === rec.hash) continue;
      return false;
    }
    if (!isMemory(ds) && (await store.hash(ds, name)) === rec.hash) continue;
    if (isMemory(ds) ? !(await s.cache!.hasBlob(rec.hash)) : !(await s.cache!.intactBlob(rec.hash)))
      return false;
  }
  return true;
}
