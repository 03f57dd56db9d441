import {
  canonicalJson,
  ErrorCode,
  PipewrightError,
  type PlanDataset,
  type PlanNode,
  sha256,
} from "@pipewright/core";
import { collectionHash, hashBytes, partitionNameProblem } from "@pipewright/io";
import { keyParts } from "../cache/key.ts";
import { INLINE_MAX, type PartitionEntry, PartitionIndex } from "../cache/partition-index.ts";
import { isMemory, type PlanIndex } from "../plan-index.ts";
import type { MapBatch, NodeHookContext, NodeRecord, PartitionRecord } from "../types.ts";
import { asError, errorRecord } from "../util/errors.ts";
import { invoke, nodeFailed } from "./execute.ts";
import type { Execution } from "./execution.ts";
import { guard, interrupted } from "./guard.ts";
import { gatherInputs, materialize, readInputs } from "./inputs.ts";
import { failure, now } from "./node-record.ts";
import { validateOutputs } from "./validate.ts";

/** Must match @pipewright/core's PARTITION_INPUT: how a map node learns its partition's name. */
const PARTITION_INPUT = "$partition";

/** One unit of a map node's work: a partition or a list item, by name. */
interface Item {
  name: string;
  /** Content hash, when known before reading (partitions written in this run, list items). */
  hash?: string;
  /** The value, for list items (already decoded). */
  value?: unknown;
  has: boolean;
}

/** The node's view without the mapped input: what every call receives whole. */
export function broadcastNode(node: PlanNode): PlanNode {
  const over = node.map!.over;
  const inputs = { ...node.inputs };
  const params = { ...node.params };
  delete inputs[over];
  delete params[over];
  return { ...node, inputs, params };
}

/**
 * Brings a map node up to date, partition by partition (see docs/partitions.md): each
 * partition's key is the node's static key, the hashes of its whole inputs, and the name
 * and content hash of that partition; a partition whose key is in the node's partition
 * index (and whose outputs are intact) is a hit, the others run, up to `parallel` at once.
 * Output partitions whose input is gone, or that failed, are deleted. Never throws.
 */
export async function processMapNode(ex: Execution, node: PlanNode): Promise<NodeRecord> {
  const started = now();
  const state = { key: null as string | null, inputs: {} as Record<string, string>, attempts: 0 };
  let index: PartitionIndex | undefined;
  try {
    const whole = broadcastNode(node);
    const reads = await readInputs(ex, whole);
    for (const [id, h] of reads.hashes) state.inputs[id] = h;
    const listed = await itemsOf(ex, node);
    const { overHash, overDataset } = listed;
    const items = ex.batch ? sliceOf(listed.items, ex.batch, node) : listed.items;
    if (overDataset) state.inputs[overDataset.id] = overHash;
    const useCache = ex.cache !== undefined && node.cache;
    index = useCache ? await PartitionIndex.open(ex.cache!.backend, node.id) : undefined;
    const prefix = partitionKeyPrefix(ex.index, node, whole, reads.hashes);
    const overSchema =
      overDataset?.schemaHash ?? ex.index.params.get(node.params[node.map!.over]!)!.schemaHash;
    const memo = keyMemoPrefix(prefix, overSchema);
    const outputIds = Object.values(node.outputs);
    const quick =
      index !== undefined && outputIds.every((id) => isMemory(ex.index.datasets.get(id)!));
    if (quick)
      for (const id of outputIds) ex.parts.inlineFrom(id, (name) => index!.inlineOf(name, id));

    let broadcast: Promise<Record<string, unknown>> | undefined;
    const wholeInputs = () => {
      broadcast ??= gatherInputs(ex, whole, reads);
      return broadcast;
    };
    ex.emit({ type: "node-start", node: node.id, attempt: 1 });
    const c: PartitionContext = {
      prefix,
      memo,
      overSchema,
      overDataset,
      index,
      wholeInputs,
      outputIds,
    };
    const records: (PartitionRecord | undefined)[] = new Array(items.length);
    let next = 0;
    let stop = false;
    const lane = async () => {
      while (!stop && next < items.length) {
        if (ex.signal?.aborted) {
          stop = true;
          break;
        }
        const i = next++;
        const r =
          (quick ? quickHit(ex, items[i]!, c) : undefined) ??
          (await runPartition(ex, node, items[i]!, c));
        records[i] = r;
        if (r.status === "failed") {
          ex.emit({
            type: "partition-failed",
            node: node.id,
            partition: r.name,
            error: new Error(r.error?.message),
          });
          if (!ex.keepGoing) stop = true;
        } else if (ex.o.onEvent)
          // (an event object per partition only for a listener: 10,000 hits build none)
          ex.emit({
            type: "partition-done",
            node: node.id,
            partition: r.name,
            status: r.status as "ran",
          });
      }
    };
    const lanes = Math.max(1, Math.min(ex.parallel, items.length));
    await Promise.all(Array.from({ length: lanes }, lane));

    const partitions = items.map(
      (item, i) =>
        records[i] ?? {
          name: item.name,
          status: "skipped" as const,
          durationMs: 0,
          cacheKey: null,
          input: item.hash ?? null,
          outputs: {},
          attempts: 0,
        },
    );
    if (overDataset && node.map!.source === "partitions" && !ex.parts.sets.has(overDataset.id)) {
      // Listed from storage: what was read is now known, for the record and later readers.
      // (Indexed loops over the partitions here and below: this function runs once, is
      // not optimized, and a for-of made an iterator result per partition.)
      const read = new Map<string, string>();
      for (let i = 0; i < records.length; i++) {
        const p = records[i];
        if (p?.input) read.set(p.name, p.input);
      }
      if (read.size === items.length) {
        const collection = await collectionHash(read);
        ex.parts.sets.set(overDataset.id, { hashes: read, values: new Map(), collection });
        state.inputs[overDataset.id] = collection;
      } else delete state.inputs[overDataset.id];
      if (!ex.batch)
        ex.parts.store.keepStatsOf(
          overDataset,
          read.size === items.length ? read : items.map((i) => i.name),
        );
      ex.parts.store.saveStats();
    }
    // The outputs hold exactly the partitions computed or hit now: nothing stale survives.
    const removed = new Set<string>();
    const record: NodeRecord = {
      name: node.id,
      status: "cached",
      durationMs: 0,
      cacheKey: partitionsKey(partitions),
      inputs: state.inputs,
      outputs: {},
      attempts: 0,
      partitions,
    };
    for (const id of Object.values(node.outputs)) {
      const ds = ex.index.datasets.get(id)!;
      const hashes = new Map<string, string>();
      for (let i = 0; i < partitions.length; i++) {
        const p = partitions[i]!;
        if (p.outputs[id] !== undefined) hashes.set(p.name, p.outputs[id]!);
      }
      // A slice knows only its own partitions: removing stale ones is the listing's job.
      let h: string;
      if (!ex.batch) {
        for (const name of await ex.parts.settle(ds, hashes, node.id)) removed.add(name);
        h = await ex.parts.collectionHash(ds, node.id);
      } else h = await collectionHash(hashes);
      record.outputs[id] = h;
      ex.hashes.set(id, h);
    }
    if (index && !ex.batch) {
      let now_: { has(name: string): boolean } | undefined;
      for (const name of index.unusedLastNames()) {
        now_ ??= new Set(items.map((i) => i.name));
        if (!now_.has(name)) removed.add(name);
      }
    }
    if (removed.size > 0) record.removedPartitions = [...removed].sort();
    const failed: PartitionRecord[] = [];
    const ran: PartitionRecord[] = [];
    for (let i = 0; i < partitions.length; i++) {
      const p = partitions[i]!;
      if (p.status === "failed") failed.push(p);
      else if (p.status === "ran") ran.push(p);
      if (p.attempts > record.attempts) record.attempts = p.attempts;
      if (!p.metrics) continue;
      record.metrics ??= {};
      // Per metrics dataset, one value per partition: { scores: { "2024-01-01": {...} } }.
      for (const [ds, v] of Object.entries(p.metrics)) {
        const byPartition = (record.metrics[ds] ?? {}) as Record<string, unknown>;
        byPartition[p.name] = v;
        record.metrics[ds] = byPartition;
      }
    }
    if (items.length === 0) {
      const message = `map node "${node.id}" has no partitions to run: ${overDataset ? `"${overDataset.id}"` : `param "${node.params[node.map!.over]}"`} is empty. Its outputs are empty collections.`;
      record.warnings = [message];
      ex.emit({ type: "node-warning", node: node.id, message });
    }
    if (ex.batch) await index?.saveEntries();
    else await index?.save(node.cacheKey, keyParts(whole, reads.hashes, ex.index), memo);
    record.durationMs = Math.round((now() - started) * 1000) / 1000;
    if (failed.length > 0 || partitions.some((p) => p.status === "skipped")) {
      const names = failed
        .slice(0, 5)
        .map((p) => `"${p.name}"`)
        .join(", ");
      const first = failed[0]?.error?.message;
      const e =
        failed.length === 0
          ? interrupted(node.id)
          : new PipewrightError(
              ErrorCode.NODE_FAILED,
              `map node "${node.id}": ${failed.length} of ${partitions.length} partitions failed (${names}${failed.length > 5 ? ", ..." : ""}). First: ${first}`,
            );
      const f = failure(ex, node, state, started, e);
      f.partitions = partitions;
      if (record.removedPartitions) f.removedPartitions = record.removedPartitions;
      f.outputs = record.outputs;
      ex.records.set(node.id, f);
      return f;
    }
    const counts = {
      ran: ran.length,
      cached: partitions.length - ran.length,
      total: partitions.length,
    };
    if (ran.length > 0) {
      record.status = "ran";
      record.causes = [
        {
          kind: "input",
          ...(overDataset && { dataset: overDataset.id, upstream: overDataset.producer }),
          detail: partitionSummary(partitions),
        },
      ];
      ex.emit({
        type: "node-done",
        node: node.id,
        durationMs: record.durationMs,
        partitions: counts,
      });
    } else ex.emit({ type: "node-cached", node: node.id, restored: [], partitions: counts });
    ex.records.set(node.id, record);
    return record;
  } catch (error) {
    await (ex.batch ? index?.saveEntries() : index?.save(node.cacheKey))?.catch(() => {});
    const r = failure(ex, node, state, started, error);
    ex.records.set(node.id, r);
    return r;
  }
}

/**
 * A map node's key in its record: the sha256 of `<name>\0<key>` per partition, joined by
 * newlines (a partition without a key: empty), made by one join rather than a string per
 * partition and a join of those.
 */
export function partitionsKey(partitions: readonly PartitionRecord[]): string {
  const parts: string[] = new Array(Math.max(0, 4 * partitions.length - 1));
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i]!;
    if (i > 0) parts[4 * i - 1] = "\n";
    parts[4 * i] = p.name;
    parts[4 * i + 1] = "\0";
    parts[4 * i + 2] = p.cacheKey ?? "";
  }
  return sha256(parts.join(""));
}

/** A short hash of the partition names, so a batch can tell that the listing changed. */
export function listingHash(names: readonly string[]): string {
  return sha256(names.join("\n")).slice(0, 16);
}

/** The items of one batch (positions p with floor(p * of / count) = index). */
function sliceOf(items: Item[], batch: MapBatch, node: PlanNode): Item[] {
  if (batch.listing !== undefined && listingHash(items.map((i) => i.name)) !== batch.listing)
    throw new PipewrightError(
      ErrorCode.NODE_FAILED,
      `map node "${node.id}": its partitions changed after the workflow listed them (batch ${batch.index}/${batch.of}). Run the workflow again.`,
    );
  return items.filter((_, p) => Math.floor((p * batch.of) / items.length) === batch.index);
}

/** "3 of 10 partitions ran: 2 new, 1 changed" */
function partitionSummary(partitions: PartitionRecord[]): string {
  const ran = partitions.filter((p) => p.status === "ran");
  const by = new Map<string, number>();
  for (const p of ran) by.set(p.cause ?? "new", (by.get(p.cause ?? "new") ?? 0) + 1);
  const parts = [...by].map(([c, n]) => `${n} ${c}`).join(", ");
  return `${ran.length} of ${partitions.length} partitions ran: ${parts}`;
}

/**
 * The items of a map node: the partitions of a partitioned input (listed now, or as
 * written earlier in this run), or the items of a list-valued dataset or param.
 */
export async function itemsOf(
  ex: Execution,
  node: PlanNode,
): Promise<{ items: Item[]; overHash: string; overDataset: PlanDataset | undefined }> {
  const over = node.map!.over;
  const dsId = node.inputs[over];
  const ds = dsId === undefined ? undefined : ex.index.datasets.get(dsId)!;
  if (node.map!.source === "partitions") {
    const produced = ex.parts.sets.get(ds!.id);
    if (produced) {
      return {
        items: [...produced.hashes].map(([name, hash]) => ({ name, hash, has: false })),
        overHash: await collectionHash(produced.hashes),
        overDataset: ds,
      };
    }
    if (isMemory(ds!)) await ex.parts.known(ds!, node.id); // throws MEMORY_CROSSES_TASK
    // Stored partitions are hashed from the bytes each call reads, as it runs.
    const names = await ex.parts.store.names(ds!, { node: node.id });
    return {
      items: names.map((name) => ({ name, has: false })),
      overHash: `listing:${names.length}`,
      overDataset: ds,
    };
  }
  let list: unknown;
  let overHash: string;
  if (ds) {
    if (isMemory(ds)) {
      list = await materialize(ex, ds, node.id);
      overHash = ex.hashes.get(ds.id) ?? "";
    } else {
      const bytes = await ex.data.store.readBytes(ds, { node: node.id });
      overHash = await hashBytes(bytes);
      list = await ex.data.decode(ds, bytes, node.id);
    }
  } else {
    const p = ex.index.params.get(node.params[over]!)!;
    list = p.value;
    overHash = p.valueHash;
  }
  if (!Array.isArray(list)) {
    throw new PipewrightError(
      ErrorCode.MAP_OVER_NON_LIST,
      `map node "${node.id}" maps over ${ds ? `dataset "${ds.id}"` : `param "${node.params[over]}"`}, whose value is ${list === null ? "null" : typeof list}, not a list. Give it a z.array(...) schema, or map over a partitioned dataset.`,
    );
  }
  const key = (ex.nodeOf(node.id) as { mapping?: { key: ((item: unknown) => string) | null } })
    .mapping?.key;
  const seen = new Map<string, number>();
  const items: Item[] = [];
  for (const [i, value] of list.entries()) {
    let name: string;
    if (key) name = String(key(value));
    else if (typeof value === "string" || typeof value === "number") name = String(value);
    else
      throw new PipewrightError(
        ErrorCode.INVALID_MAP,
        `map node "${node.id}": item ${i} is ${value === null ? "null" : typeof value}, which has no name. Give node.map a \`key: (item) => name\` that names each item.`,
      );
    const problem = partitionNameProblem(name);
    if (problem)
      throw new PipewrightError(
        ErrorCode.INVALID_NAME,
        `map node "${node.id}": item ${i} is named ${JSON.stringify(name.slice(0, 120))}, which ${problem}. ${key ? "Change the key function" : "Give node.map a `key: (item) => name`"} so each name is a safe file name.`,
      );
    if (seen.has(name))
      throw new PipewrightError(
        ErrorCode.INVALID_MAP,
        `map node "${node.id}": items ${seen.get(name)} and ${i} are both named "${name}". Partition names must be unique${key ? "; change the key function" : "; give node.map a `key`"}.`,
      );
    seen.set(name, i);
    items.push({
      name,
      value,
      hash: await hashBytes(new TextEncoder().encode(canonicalJson(value))),
      has: true,
    });
  }
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { items, overHash, overDataset: ds };
}

/** Everything in a partition's key but the partition itself, as text. */
export function partitionKeyPrefix(
  index: PlanIndex,
  node: PlanNode,
  whole: PlanNode,
  hashes: ReadonlyMap<string, string>,
): string {
  let text = `pipewright-partition\0${node.cacheKey}`;
  for (const key of Object.keys(whole.inputs).sort()) {
    const id = whole.inputs[key]!;
    text += `\0${key}\0${id}\0${hashes.get(id) ?? ""}\0${index.datasets.get(id)!.schemaHash}`;
  }
  return text;
}

/**
 * What the partition index's key memo is keyed by: a digest of everything in a partition's
 * key but the partition's name and input hash (see KeyMemo).
 */
export function keyMemoPrefix(prefix: string, schema: string): string {
  return sha256(`${prefix}\0memo\0${schema}`);
}

/** A partition's key: the node's prefix, and the partition's name, content and schema. */
export function partitionKey(prefix: string, name: string, hash: string, schema: string): string {
  return sha256(`${prefix}\0partition\0${name}\0${hash}\0${schema}`);
}

interface PartitionContext {
  prefix: string;
  /** keyMemoPrefix of prefix and overSchema. */
  memo: string;
  outputIds: string[];
  overSchema: string;
  overDataset: PlanDataset | undefined;
  index: PartitionIndex | undefined;
  wholeInputs: () => Promise<Record<string, unknown>>;
}

/**
 * A hit that needs no await, for a node whose outputs are all in memory: the item's hash
 * known (a list item, or a stored partition whose stat vouches for its remembered hash),
 * its key from the memo (or hashed here), and an entry whose every output is kept inline
 * in the index. The same checks as runPartition's hit() and trusted() for that case,
 * without the half-dozen promises per partition that the general path makes (at 10,000
 * partitions, their garbage was the largest item of an incremental run's profile).
 * undefined: take the general path (which stats the file once more; only misses do).
 */
function quickHit(ex: Execution, item: Item, c: PartitionContext): PartitionRecord | undefined {
  const t0 = now();
  const index = c.index!;
  const hash = item.hash ?? ex.parts.store.statHash(c.overDataset!, item.name);
  if (hash === undefined) return undefined;
  const memoKey = index.knownKey(item.name, hash, c.memo);
  const key = memoKey ?? partitionKey(c.prefix, item.name, hash, c.overSchema);
  // The common entry (outputs inline, no metrics) is read in place; others are decoded.
  const hashes = index.inlineHashes(key, c.outputIds);
  const entry = hashes ? undefined : index.get(key);
  if (!hashes) {
    if (!entry) return undefined;
    for (const id of c.outputIds) if (entry.outputs[id]?.inline === undefined) return undefined;
  }
  // The inline texts stay in the index: a load finds them by name (inlineFrom, set up by
  // processMapNode), so a hit that nothing loads costs no copy.
  const outputs: Record<string, string> = {};
  for (let i = 0; i < c.outputIds.length; i++) {
    const id = c.outputIds[i]!;
    outputs[id] = hashes ? hashes[i]! : entry!.outputs[id]!.hash;
    ex.parts.sets.get(id)?.values.delete(item.name);
  }
  if (memoKey !== undefined) index.keep(item.name);
  else index.use(item.name, key, undefined, hash);
  // A literal without a spread: one shape for every hit, built in place.
  const rec: PartitionRecord = {
    name: item.name,
    status: "cached",
    durationMs: Math.round((now() - t0) * 1000) / 1000,
    cacheKey: key,
    input: hash,
    outputs,
    attempts: 0,
  };
  if (entry?.metrics) rec.metrics = entry.metrics;
  return rec;
}

async function runPartition(
  ex: Execution,
  node: PlanNode,
  item: Item,
  c: PartitionContext,
): Promise<PartitionRecord> {
  const t0 = now();
  const rec: PartitionRecord = {
    name: item.name,
    status: "ran",
    durationMs: 0,
    cacheKey: null,
    input: item.hash ?? null,
    outputs: {},
    attempts: 0,
  };
  const done = () => {
    rec.durationMs = Math.round((now() - t0) * 1000) / 1000;
    return rec;
  };
  const hit = async (hash: string): Promise<boolean> => {
    // Unchanged partition under unchanged node inputs: its key is the one remembered.
    const key =
      c.index?.knownKey(item.name, hash, c.memo) ??
      partitionKey(c.prefix, item.name, hash, c.overSchema);
    rec.input = hash;
    rec.cacheKey = key;
    if (!c.index) {
      rec.cause = "no-cache";
      return false;
    }
    const entry = await c.index.lookup(key);
    if (entry && (await trusted(ex, node, item.name, entry, c.index.vouches(key)))) {
      rec.status = "cached";
      for (const id of Object.values(node.outputs)) rec.outputs[id] = entry.outputs[id]!.hash;
      if (entry.metrics) rec.metrics = entry.metrics;
      for (const id of Object.values(node.outputs)) ex.parts.sets.get(id)?.values.delete(item.name);
      c.index.use(item.name, key, undefined, hash);
      return true;
    }
    rec.cause = entry ? "missing-output" : c.index.lastKey(item.name) ? "changed" : "new";
    return false;
  };
  try {
    let bytes: Uint8Array | undefined;
    let hash = item.hash;
    // A stored partition whose file's stat vouches for a remembered hash: a hit costs a
    // stat, not a read (see StatIndex).
    const known =
      hash === undefined && c.index
        ? ex.parts.store.statHash(c.overDataset!, item.name)
        : undefined;
    if ((hash ?? known) !== undefined && (await hit((hash ?? known)!))) return done();
    if (hash === undefined) {
      // It runs: read once, hash, and decode these very bytes; their hash is the key's.
      ({ bytes, hash } = await ex.parts.store.readHashed(c.overDataset!, item.name, {
        node: node.id,
      }));
      if (hash !== known && (await hit(hash))) return done();
    }

    const value = item.has
      ? item.value
      : bytes
        ? await ex.parts.decode(c.overDataset!, item.name, bytes, node.id)
        : await ex.parts.load(c.overDataset!, item.name, hash, node.id);
    const inputs = {
      ...(await c.wholeInputs()),
      [node.map!.over]: value,
      [PARTITION_INPUT]: item.name,
    };
    const maxAttempts = 1 + (ex.o.retries ?? node.retries);
    // Node hooks are called per partition that runs (a hit calls none), as for a node.
    const ctx = (): NodeHookContext => ({
      runId: ex.runId,
      node,
      inputs,
      attempt: rec.attempts,
      partition: item.name,
    });
    let returned: unknown;
    for (;;) {
      if (ex.signal?.aborted) throw interrupted(node.id);
      rec.attempts++;
      if (rec.attempts === 1) await ex.hooks?.beforeNode?.(ctx());
      try {
        returned = await guard(Promise.resolve(invoke(ex, node, inputs)), {
          node: node.id,
          signal: ex.signal,
          timeoutSeconds: null,
        });
        break;
      } catch (error) {
        const e = nodeFailed(node, error);
        if (e instanceof PipewrightError && e.code === ErrorCode.RUN_INTERRUPTED) throw e;
        const willRetry = rec.attempts < maxAttempts && !ex.signal?.aborted;
        await ex.hooks?.onNodeError?.({ ...ctx(), error: e, willRetry });
        if (!willRetry) throw e;
      }
    }
    // Each value is validated by the per-partition schema as it is encoded.
    const values = validateOutputs(node, returned, ex.schemaOf, () => false);
    if (ex.signal?.aborted) throw interrupted(node.id);
    const entry: PartitionEntry = { name: item.name, outputs: {} };
    for (const [id, v] of values) {
      const ds = ex.index.datasets.get(id)!;
      const written = await ex.parts.save(ds, item.name, v, node.id);
      rec.outputs[id] = written.hash;
      if (ds.kind === "metrics") {
        rec.metrics ??= {};
        rec.metrics[id] = v;
      }
      if (c.index && written.bytes) {
        const size = written.bytes.byteLength;
        if (size <= INLINE_MAX) {
          entry.outputs[id] = {
            hash: written.hash,
            size,
            inline: Buffer.from(written.bytes).toString("base64"),
          };
        } else {
          await ex.cache!.putBlob(written.hash, written.bytes);
          entry.outputs[id] = { hash: written.hash, size };
        }
      }
    }
    if (rec.metrics) entry.metrics = rec.metrics;
    c.index?.use(item.name, rec.cacheKey!, entry, rec.input ?? undefined);
    if (ex.hooks?.afterNode) {
      done();
      await ex.hooks.afterNode({
        ...ctx(),
        outputs: Object.fromEntries(
          Object.entries(node.outputs).map(([k, id]) => [k, values.get(id)]),
        ),
        // The partition's own record, in a node record's shape.
        record: {
          name: node.id,
          status: "ran",
          durationMs: rec.durationMs,
          cacheKey: rec.cacheKey,
          inputs: rec.input ? { [c.overDataset?.id ?? node.map!.over]: rec.input } : {},
          outputs: rec.outputs,
          attempts: rec.attempts,
          partitions: [rec],
          ...(rec.metrics && { metrics: rec.metrics }),
        },
      });
    }
    return done();
  } catch (error) {
    const e = asError(error);
    rec.status = "failed";
    rec.outputs = {};
    // The message names the partition; a DataError already names node, dataset and row.
    const message = e.message.includes(`partition "${item.name}"`)
      ? e.message
      : e.message.replace(`node "${node.id}"`, `node "${node.id}" partition "${item.name}"`);
    rec.error = errorRecord(
      new PipewrightError(
        e instanceof PipewrightError ? e.code : ErrorCode.NODE_FAILED,
        message.includes(item.name)
          ? message
          : `node "${node.id}" partition "${item.name}": ${message}`,
        { cause: e.cause ?? e },
      ),
    );
    return done();
  }
}

/**
 * Whether a partition's cache entry can be used: every output partition is in place with
 * its recorded hash, or restored from an intact blob; in-memory ones need their blob.
 */
async function trusted(
  ex: Execution,
  node: PlanNode,
  name: string,
  entry: PartitionEntry,
  /** Whether the entry comes from a checksummed index (see PartitionData.keepInline). */
  vouched: boolean,
): Promise<boolean> {
  for (const id of Object.values(node.outputs)) {
    const rec = entry.outputs[id];
    if (!rec) return false;
    const ds = ex.index.datasets.get(id)!;
    if (rec.inline !== undefined) ex.parts.keepInline(rec.hash, rec.inline, vouched);
    if (isMemory(ds)) {
      if (rec.inline === undefined && !(await ex.cache!.hasBlob(rec.hash))) return false;
      continue;
    }
    if (await ex.parts.holds(ds, name, rec.hash)) continue;
    const blob = (await ex.parts.inlineBytes(rec.hash)) ?? (await ex.cache!.getBlob(rec.hash));
    if (!blob) return false;
    await ex.parts.restore(ds, name, blob, node.id);
  }
  return true;
}
