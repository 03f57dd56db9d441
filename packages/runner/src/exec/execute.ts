import { ErrorCode, PipewrightError, type PlanNode } from "@pipewright/core";
import { fullKey, keyParts } from "../cache/key.ts";
import type { CacheEntry } from "../cache/store.ts";
import { isMemory, type NodeSlots, slotsAt } from "../plan-index.ts";
import { byDataset } from "../records/record.ts";
import type { CacheCause, NodeHookContext, NodeRecord } from "../types.ts";
import { asError } from "../util/errors.ts";
import type { Execution } from "./execution.ts";
import { guard, interrupted } from "./guard.ts";
import { gatherInputs, keptInputs, type NodeReads, readInputs } from "./inputs.ts";
import { type Attempt, base, now } from "./node-record.ts";
import { validateOutputs } from "./validate.ts";

/** Wraps what a node's function threw: names the node, keeps the original as `cause`. */
export function nodeFailed(node: PlanNode, error: unknown): Error {
  const e = asError(error);
  if (e instanceof PipewrightError && e.code === ErrorCode.RUN_INTERRUPTED) return e;
  return new PipewrightError(
    ErrorCode.NODE_FAILED,
    `node "${node.id}"${node.location ? ` (${node.location})` : ""} failed: ${e.message}`,
    { cause: e },
  );
}

export async function invoke(
  ex: Execution,
  node: PlanNode,
  inputs: Record<string, unknown>,
): Promise<unknown> {
  return call(ex, node, inputs, hasCollection(node, ex), undefined);
}

/**
 * Runs the node's function here or in a worker: its value, or a promise of it (a node
 * that returns a plain value costs no promise). `at` is its plan position when known.
 */
function call(
  ex: Execution,
  node: PlanNode,
  inputs: Record<string, unknown>,
  collection: boolean,
  at: number | undefined,
): unknown {
  // A lazy collection of partitions cannot cross to a worker thread: such a node runs here.
  const workers = ex.workers();
  const pool = workers && !collection ? workers : undefined;
  if (pool) {
    const task = pool.run(node.id, inputs);
    // The timeout counts the node's own code, not the thread's start-up before it.
    return guard(task.result, {
      node: node.id,
      signal: ex.signal,
      timeoutSeconds: node.timeoutSeconds,
      onAbandon: task.abandon,
      started: task.started,
    });
  }
  const fn = (at === undefined ? ex.nodeOf(node.id) : ex.nodeAt(at)).run;
  const returned = fn(inputs);
  return returned instanceof Promise
    ? guard(returned, { node: node.id, signal: ex.signal, timeoutSeconds: node.timeoutSeconds })
    : returned;
}

/** Runs the node (with retries), validates and writes its outputs, and stores the cache entry. */
export async function execute(
  ex: Execution,
  node: PlanNode,
  reads: NodeReads,
  state: Attempt,
  started: number,
  useCache: boolean,
  causes: CacheCause[],
  at: number,
): Promise<NodeRecord> {
  const slots = slotsAt(ex.index, at);
  // Only a cached value not loaded yet can be recomputed while it is read: with none (and
  // an input's producer finished before this node started), processNode's key stands.
  const mayMove = ex.pending.size > 0 || state.key === null;
  const inputs = keptInputs(ex, node, reads, slots) ?? (await gatherInputs(ex, node, reads, slots));
  // Loading a cached in-memory input may have recomputed it: take the key from what is read.
  let changed = false;
  if (mayMove)
    for (const ds of slots.inputs) {
      const id = ds.id;
      let hash = reads.hashes.get(id)!;
      // A partitioned input read whole has no hash in ex.hashes unless this run wrote it:
      // its collection hash in `reads` stands (taking the absent one keyed it by "").
      const now = ex.hashes.get(id);
      if (now !== undefined && now !== hash && !reads.bytes?.has(id)) {
        hash = now;
        reads.hashes.set(id, hash);
        changed = true;
      }
      state.inputs[id] = hash;
    }
  // The key taken before (processNode) stands unless an input's hash moved since.
  if (changed || state.key === null) state.key = fullKey(node, reads.hashes, ex.index);
  const maxAttempts = 1 + (ex.o.retries ?? node.retries);
  let returned: unknown;
  for (;;) {
    if (ex.signal?.aborted) throw interrupted(node.id);
    state.attempts++;
    // No await without a hook: each costs a promise and a turn of the microtask queue.
    if (state.attempts === 1 && ex.hooks?.beforeNode)
      await ex.hooks.beforeNode(hookContext(ex, node, inputs, state));
    ex.emit({ type: "node-start", node: node.id, attempt: state.attempts });
    try {
      const r = call(ex, node, inputs, slots.collection, at);
      returned = r instanceof Promise ? await r : r;
      break;
    } catch (error) {
      const e = nodeFailed(node, error);
      if (e instanceof PipewrightError && e.code === ErrorCode.RUN_INTERRUPTED) throw e;
      const willRetry = state.attempts < maxAttempts && !ex.signal?.aborted;
      await ex.hooks?.onNodeError?.({
        ...hookContext(ex, node, inputs, state),
        error: e,
        willRetry,
      });
      if (!willRetry) throw e;
      ex.emit({ type: "node-retry", node: node.id, attempt: state.attempts, error: e });
    }
  }
  const schemas = ex.outputSchemasAt(at);
  const values = validateOutputs(
    node,
    returned,
    (id) => schemas[outputAt(slots, id)] ?? ex.schemaOf(id),
    (id) => slots.validatesHere[outputAt(slots, id)] ?? ex.validatesHere(id),
  );
  // Past this point the outputs are written; an interrupt before it leaves them untouched.
  if (ex.signal?.aborted) throw interrupted(node.id);
  const record = base(node, "ran", started, state);
  record.causes = causes;
  let cacheable = useCache;
  // Only an entry that is stored is built (a Date and its string, objects, per node).
  const entry: Omit<CacheEntry, "parts"> | undefined = cacheable
    ? {
        v: 1,
        key: state.key,
        node: node.id,
        createdAt: new Date().toISOString(),
        outputs: byDataset(),
      }
    : undefined;
  const blobs: { hash: string; bytes: Uint8Array }[] = [];
  let i = 0;
  for (const [id, value] of values) {
    // Values come in declaration order, as the slots (a dataset has one producer, once).
    const k = i++;
    const ds = slots.outputs[k]?.id === id ? slots.outputs[k]! : ex.index.datasets.get(id)!;
    if (ds.partitioned) {
      // A whole collection written by a normal node: each partition is written atomically
      // and stale ones removed. Its entry names the collection hash and no blob: a hit
      // checks that the stored partitions still hash to it (hit.ts). In-memory partitions
      // last only as long as the run, so a node writing them always runs.
      const hash = await ex.parts.saveCollection(ds, value, node.id);
      record.outputs[id] = hash;
      ex.hashes.set(id, hash);
      if (isMemory(ds)) cacheable = false;
      else if (entry) entry.outputs[id] = { hash, size: 0, collection: true };
      continue;
    }
    const slot = slots.outputs[k] === ds;
    const written = slot
      ? await ex.data.save(ds, value, node.id, schemas[k], slots.outputAt[k])
      : await ex.data.save(ds, value, node.id);
    record.outputs[id] = written.hash;
    if (slot) ex.hashes.setAt(slots.outputAt[k]!, written.hash);
    else ex.hashes.set(id, written.hash);
    if (ex.pending.size > 0) ex.pending.delete(id);
    ex.emit({ type: "node-output", node: node.id, dataset: id, hash: written.hash });
    if (ds.kind === "metrics") {
      record.metrics ??= byDataset();
      record.metrics[id] = value;
    }
    if (!cacheable || !entry) continue;
    if (written.bytes === undefined) cacheable = false;
    else {
      blobs.push({ hash: written.hash, bytes: written.bytes });
      entry.outputs[id] = { hash: written.hash, size: written.bytes.byteLength };
    }
  }
  if (cacheable && entry) {
    if (record.metrics) entry.metrics = record.metrics;
    // Blobs, entry and pointer in one commit, blobs first (see CacheStore).
    await ex.cache!.commit(entry, keyParts(node, reads.hashes, ex.index), blobs);
    ex.emit({ type: "cache-stored", node: node.id, key: state.key });
  }
  record.durationMs = Math.round((now() - started) * 1000) / 1000;
  if (ex.hooks?.afterNode)
    await ex.hooks.afterNode({
      ...hookContext(ex, node, inputs, state),
      outputs: Object.fromEntries(
        Object.entries(node.outputs).map(([k, id]) => [k, values.get(id)]),
      ),
      record,
    });
  ex.emit({ type: "node-done", node: node.id, durationMs: record.durationMs });
  return record;
}

// Not a closure per node: on a large plan those (and their names) were a measurable share.
function hookContext(
  ex: Execution,
  node: PlanNode,
  inputs: Record<string, unknown>,
  state: Attempt,
): NodeHookContext {
  return { runId: ex.runId, node, inputs, attempt: state.attempts };
}

/** Position of an output dataset among the node's slots (a node has a handful). */
function outputAt(slots: NodeSlots, id: string): number {
  const outputs = slots.outputs;
  for (let i = 0; i < outputs.length; i++) if (outputs[i]!.id === id) return i;
  return -1;
}

function hasCollection(node: PlanNode, ex: Execution): boolean {
  for (const key in node.inputs)
    if (ex.index.datasets.get(node.inputs[key]!)!.partitioned) return true;
  return false;
}

/**
 * Runs a node that was a cache hit again, because an in-memory output of it could not be
 * loaded from the store; its record becomes "ran" with a missing-output cause.
 */
export async function recompute(ex: Execution, node: PlanNode, reason: string): Promise<void> {
  const state: Attempt = { key: null, inputs: byDataset(), attempts: 0 };
  const started = now();
  let record: NodeRecord;
  try {
    const reads = await readInputs(ex, node, slotsAt(ex.index, ex.index.position.get(node.id)!));
    record = await execute(
      ex,
      node,
      reads,
      state,
      started,
      ex.cache !== undefined && node.cache,
      [{ kind: "missing-output", detail: `${reason}; recomputed` }],
      ex.index.position.get(node.id)!,
    );
  } catch (error) {
    const e = asError(error);
    throw new PipewrightError(
      ErrorCode.NODE_FAILED,
      `${reason}, and recomputing node "${node.id}" failed: ${e.message}`,
      { cause: e },
    );
  }
  ex.records.set(node.id, record);
}
