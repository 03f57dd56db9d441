import type { PlanNode } from "@pipewright/core";
import { missCauses } from "../cache/causes.ts";
import { fullKey, keyParts } from "../cache/key.ts";
import { slotsAt } from "../plan-index.ts";
import { byDataset } from "../records/record.ts";
import type { CacheCause, NodeRecord } from "../types.ts";
import { execute } from "./execute.ts";
import type { Execution } from "./execution.ts";
import { acceptHit, checkEntry } from "./hit.ts";
import { readInputs, readKeptInputs } from "./inputs.ts";
import { processMapNode } from "./map.ts";
import { type Attempt, base, failure, now } from "./node-record.ts";

/**
 * Brings one node up to date: a trusted cache hit, or a run. Never throws: a failure is
 * the node's record (status "failed", or "skipped" when the run was interrupted).
 */
export async function processNode(ex: Execution, node: PlanNode, at: number): Promise<NodeRecord> {
  if (node.map) return processMapNode(ex, node);
  const started = now();
  const state: Attempt = { key: null, inputs: byDataset(), attempts: 0 };
  const slots = slotsAt(ex.index, at);
  let record: NodeRecord;
  try {
    const reads = readKeptInputs(ex, slots) ?? (await readInputs(ex, node, slots));
    for (const [id, hash] of reads.hashes) state.inputs[id] = hash;
    state.key = fullKey(node, reads.hashes, ex.index);
    const useCache = ex.cache !== undefined && node.cache;
    let causes: CacheCause[];
    if (useCache) {
      const entry = await ex.cache!.getEntry(state.key);
      const hit = entry && (await checkEntry(ex, node, entry));
      if (hit) {
        acceptHit(ex, node, hit);
        await rememberKey(ex, node, state.key);
        record = base(node, "cached", started, state);
        for (const id of Object.values(node.outputs))
          record.outputs[id] = hit.entry.outputs[id]!.hash;
        if (hit.entry.metrics) record.metrics = hit.entry.metrics;
        if (hit.restored.length > 0) record.restored = hit.restored;
        ex.records.setAt(at, record);
        ex.emit({ type: "node-cached", node: node.id, restored: hit.restored });
        return record;
      }
      causes = entry
        ? [
            {
              kind: "missing-output",
              detail: "the outputs are gone or changed and the cache store has no intact copy",
            },
          ]
        : missCauses(
            await ex.cache!.lastRun(node.id),
            keyParts(node, reads.hashes, ex.index),
            state.key,
          );
    } else {
      causes = [
        {
          kind: "no-cache",
          detail: node.cache
            ? "caching is off for this run (--no-cache)"
            : "the node opts out of caching (cache: false)",
        },
      ];
    }
    record = await execute(ex, node, reads, state, started, useCache, causes, at);
  } catch (error) {
    record = failure(ex, node, state, started, error);
  }
  ex.records.setAt(at, record);
  return record;
}

/** Points the node at the key it just hit, when that is not already its last one. */
async function rememberKey(ex: Execution, node: PlanNode, key: string): Promise<void> {
  // The previous run set every node's pointer: when it used this key, there is nothing to read.
  if (ex.previousKeys.get(node.id) === key) return;
  if ((await ex.cache!.lastKey(node.id)) !== key) await ex.cache!.setLastKey(node.id, key);
}
