import { ErrorCode, PipewrightError, type PlanDataset, type PlanNode } from "@pipewright/core";
import { isMemory } from "../plan-index.ts";
import type { Execution } from "./execution.ts";

/**
 * The content hash of an input no node of this run produces: a free input, or (in
 * run-node) the output of a node run by another task. Read from storage now.
 */
export async function externalHash(
  ex: Execution,
  ds: PlanDataset,
  node: PlanNode,
): Promise<string> {
  const hash = await ex.data.storedHash(ds);
  if (hash !== undefined) return hash;
  if (isMemory(ds)) {
    const from = ds.producer
      ? `its producer "${ds.producer}" does not run in this task or run`
      : "it is a free input and no value was given";
    throw new PipewrightError(
      ErrorCode.MEMORY_CROSSES_TASK,
      `node "${node.id}" reads in-memory dataset "${ds.id}", but ${from}. Give "${ds.id}" a catalog entry so it is stored, or run its producer together with "${node.id}".`,
    );
  }
  const by = ds.producer
    ? `Run its producer "${ds.producer}" first`
    : "Add the file, or fix its path in conf/catalog.yaml";
  throw new PipewrightError(
    ErrorCode.SOURCE_NOT_FOUND,
    `node "${node.id}" reads dataset "${ds.id}" (${ds.storage.uri ?? ds.storage.type}), which does not exist. ${by}.`,
  );
}

/** The values a node receives: its datasets (loaded) and params (from the plan). */
export async function gatherInputs(
  ex: Execution,
  node: PlanNode,
): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  for (const key in node.inputs) {
    const ds = ex.index.datasets.get(node.inputs[key]!)!;
    inputs[key] = isMemory(ds)
      ? await materialize(ex, ds, node.id)
      : await ex.data.load(ds, node.id);
  }
  for (const key in node.params) inputs[key] = ex.index.params.get(node.params[key]!)!.value;
  return inputs;
}

/**
 * The value of an in-memory dataset. A cached producer leaves only a hash behind; the
 * value is loaded from its blob on first use. If the blob is gone or corrupt, the
 * producer is run again to recreate it.
 */
export async function materialize(
  ex: Execution,
  ds: PlanDataset,
  consumer: string,
): Promise<unknown> {
  if (ex.data.memory.has(ds.id)) return ex.data.memory.get(ds.id);
  const hash = ex.pending.get(ds.id);
  if (hash !== undefined && ex.cache) {
    let loading = ex.materializing.get(ds.id);
    if (!loading) {
      loading = loadPending(ex, ds, hash);
      ex.materializing.set(ds.id, loading);
    }
    try {
      await loading;
    } finally {
      ex.materializing.delete(ds.id);
    }
  }
  return ex.data.load(ds, consumer);
}

async function loadPending(ex: Execution, ds: PlanDataset, hash: string): Promise<void> {
  const blob = await ex.cache!.getBlob(hash);
  if (blob) {
    ex.data.memory.set(ds.id, await ex.data.decode(ds, blob, ds.consumers[0] ?? ds.id));
    ex.pending.delete(ds.id);
    return;
  }
  await ex.recompute(
    ex.index.nodes.get(ds.producer!)!,
    `the cached value of "${ds.id}" was missing or corrupt`,
  );
}
