import { ErrorCode, PipewrightError, type PlanDataset, type PlanNode } from "@pipewright/core";
import { hashBytes } from "@pipewright/io";
import { isMemory, type NodeSlots, nodeSlots } from "../plan-index.ts";
import type { Execution } from "./execution.ts";

/**
 * What one node reads, fixed before its key is taken: for each input, the content hash in
 * its key, and for a stored input the very bytes that were hashed. The node decodes those
 * bytes, never a second read: another run or engine task may rewrite the file in between,
 * and a cache entry must never name one input while its outputs came from another.
 */
export interface NodeReads {
  /** Dataset id -> content hash of what the node reads. */
  hashes: Map<string, string>;
  /** Dataset id -> the bytes read from storage (stored inputs only; undefined when none). */
  bytes: Map<string, Uint8Array> | undefined;
}

/** Reads every stored input once and hashes it; in-memory inputs hash their kept value. */
export async function readInputs(
  ex: Execution,
  node: PlanNode,
  slots: NodeSlots = nodeSlots(ex.index, node),
): Promise<NodeReads> {
  const reads: NodeReads = { hashes: new Map(), bytes: undefined };
  for (const ds of slots.inputs) {
    const id = ds.id;
    if (ds.partitioned) {
      // The whole collection: its hash covers every partition's name and content.
      reads.hashes.set(id, await ex.parts.collectionHash(ds, node.id));
      continue;
    }
    if (isMemory(ds)) {
      let hash = ex.hashes.get(id);
      if (hash === undefined) {
        hash = await externalHash(ex, ds, node);
        ex.hashes.set(id, hash);
      }
      reads.hashes.set(id, hash);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await ex.data.store.readBytes(ds, { node: node.id });
    } catch (error) {
      if (error instanceof PipewrightError && error.code === ErrorCode.SOURCE_NOT_FOUND)
        throw missing(ds, node);
      throw error;
    }
    reads.bytes ??= new Map();
    reads.bytes.set(id, bytes);
    reads.hashes.set(id, await hashBytes(bytes));
  }
  return reads;
}

/**
 * readInputs without a promise, when every input is an in-memory dataset this run
 * already hashed (the usual node of an in-memory pipeline); undefined otherwise.
 */
export function readKeptInputs(ex: Execution, slots: NodeSlots): NodeReads | undefined {
  const hashes = new Map<string, string>();
  for (let i = 0; i < slots.inputs.length; i++) {
    const ds = slots.inputs[i]!;
    if (ds.partitioned || !isMemory(ds)) return undefined;
    const hash = ex.hashes.getAt(slots.inputAt[i]!);
    if (hash === undefined) return undefined;
    hashes.set(ds.id, hash);
  }
  return { hashes, bytes: undefined };
}

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
  throw missing(ds, node);
}

function missing(ds: PlanDataset, node: PlanNode): PipewrightError {
  const by = ds.producer
    ? `Run its producer "${ds.producer}" first`
    : "Add the file, or fix its path in conf/catalog.yaml";
  return new PipewrightError(
    ErrorCode.SOURCE_NOT_FOUND,
    `node "${node.id}" reads dataset "${ds.id}" (${ds.storage.uri ?? ds.storage.type}), which does not exist. ${by}.`,
  );
}

/**
 * The values a node receives: its stored inputs decoded from the bytes in `reads`, its
 * in-memory ones from the run, its params from the plan.
 */
export async function gatherInputs(
  ex: Execution,
  node: PlanNode,
  reads: NodeReads,
  slots: NodeSlots = nodeSlots(ex.index, node),
): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  for (let i = 0; i < slots.inputs.length; i++) {
    const ds = slots.inputs[i]!;
    const key = slots.inputKeys[i]!;
    const bytes = reads.bytes?.get(ds.id);
    if (ds.partitioned) {
      inputs[key] = await ex.parts.collection(ds, node.id);
      continue;
    }
    if (bytes !== undefined) {
      inputs[key] = await ex.data.decode(ds, bytes, node.id);
      continue;
    }
    // A value this run holds needs no call of materialize (an async call and its promise).
    const kept = ex.data.memory.get(ds.id);
    inputs[key] = kept !== undefined ? kept : await materialize(ex, ds, node.id);
  }
  for (const key in node.params) inputs[key] = ex.index.params.get(node.params[key]!)!.value;
  return inputs;
}

/**
 * gatherInputs without a promise, when every input is an in-memory value this run holds
 * (nothing to decode or load); undefined otherwise.
 */
export function keptInputs(
  ex: Execution,
  node: PlanNode,
  reads: NodeReads,
  slots: NodeSlots,
): Record<string, unknown> | undefined {
  if (reads.bytes !== undefined || slots.collection) return undefined;
  const inputs: Record<string, unknown> = {};
  for (let i = 0; i < slots.inputs.length; i++) {
    const kept = ex.data.keptAt(slots.inputAt[i]!, slots.inputs[i]!.id);
    if (kept === undefined) return undefined;
    inputs[slots.inputKeys[i]!] = kept;
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
  const kept = ex.data.memory.get(ds.id);
  // One lookup for the usual case; a kept `undefined` is told apart by `has`.
  if (kept !== undefined || ex.data.memory.has(ds.id)) return kept;
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
