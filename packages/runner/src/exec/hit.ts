import type { PlanNode } from "@pipewright/core";
import type { CacheEntry } from "../cache/store.ts";
import { isMemory } from "../plan-index.ts";
import type { Execution } from "./execution.ts";

/** A trusted hit, and the outputs copied back from blobs to make it so. */
export interface Hit {
  entry: CacheEntry;
  restored: string[];
}

/**
 * Checks a cache entry before trusting it: every output must be where the node writes it
 * with the recorded content hash. A stored output that is gone or was changed is copied
 * back from its blob (verified against its hash); with no intact blob, the entry is not
 * trusted and the node runs. In-memory outputs only need their blob to exist: they are
 * loaded (and verified) when a node that runs reads them. A partitioned output written
 * whole must still have the collection hash of the entry, partition for partition.
 */
export async function checkEntry(
  ex: Execution,
  node: PlanNode,
  entry: CacheEntry,
): Promise<Hit | undefined> {
  const cache = ex.cache!;
  const restored: string[] = [];
  for (const key in node.outputs) {
    const id = node.outputs[key]!;
    const rec = entry.outputs[id];
    if (!rec) return undefined;
    const ds = ex.index.datasets.get(id)!;
    if (ds.partitioned) {
      // Every partition must be intact: there is no blob to restore one from, so a
      // changed, missing or extra partition means the node runs again.
      if (!rec.collection || isMemory(ds)) return undefined;
      if ((await ex.parts.collectionHash(ds, node.id)) !== rec.hash) return undefined;
      continue;
    }
    if (isMemory(ds)) {
      if (!(await cache.hasBlob(rec.hash))) return undefined;
      continue;
    }
    if ((await ex.data.storedHash(ds)) === rec.hash) continue;
    const blob = await cache.getBlob(rec.hash);
    if (!blob) return undefined;
    await ex.data.writeBytes(ds, blob, node.id);
    restored.push(id);
  }
  return { entry, restored };
}

/** Records what a hit provides: output hashes now, in-memory values on first use. */
export function acceptHit(ex: Execution, node: PlanNode, hit: Hit): void {
  for (const key in node.outputs) {
    const id = node.outputs[key]!;
    const hash = hit.entry.outputs[id]!.hash;
    ex.hashes.set(id, hash);
    if (isMemory(ex.index.datasets.get(id)!)) {
      ex.data.memory.delete(id);
      ex.pending.set(id, hash);
    }
  }
}
