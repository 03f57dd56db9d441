import { join } from "node:path";
import {
  ErrorCode,
  isPartitions,
  type Partitions,
  PipewrightError,
  type PlanDataset,
} from "@pipewright/core";
import { collectionHash, hashBytes, PartitionedStore, partitionNameProblem } from "@pipewright/io";
import { isMemory } from "../plan-index.ts";
import { stateDir } from "../state.ts";
import type { Written } from "./data.ts";
import type { Execution } from "./execution.ts";

/** What a run knows of a partitioned dataset: each partition's hash, and in-memory values. */
export interface PartitionSet {
  /** Partition name -> content hash, sorted by name when built by the runner. Never changed in place: replaced whole. */
  hashes: ReadonlyMap<string, string>;
  /**
   * In-memory datasets: the values computed in this run (cached ones are decoded from their
   * blob or inline text on each load, and not kept).
   */
  values: Map<string, unknown>;
  /** collectionHash(hashes), once taken (a fan-in and the record both need it). */
  collection?: string;
}

/** The inline text of one cached partition, by name (see PartitionData.inlineFrom). */
export type InlineSource = (
  name: string,
) => { hash: string; text: string; vouched: boolean } | undefined;

/** Where the stats of local partition files are remembered (see StatIndex in @pipewright/io). */
export const statDir = (root: string): string => join(stateDir(root), "partition-stats");

/** The partitioned-dataset side of a run's data access; kept on the Execution. */
export class PartitionData {
  readonly store: PartitionedStore;
  /** Dataset id -> what is known of it in this run. */
  readonly sets = new Map<string, PartitionSet>();
  /**
   * Content hash -> small cached partitions kept in a partition index (not blobs), as the
   * index's base64 text until one is loaded: a hit costs no decoding, a load one.
   */
  readonly inline = new Map<string, string | Uint8Array>();
  /** Hashes whose inline text came from a checksummed partition index (see keepInline). */
  private readonly vouched = new Set<string>();
  /**
   * Dataset id -> where its cached partitions' inline texts are, by partition name: the
   * partition index of the map node that hit them (see inlineFrom). A hit then registers
   * nothing; a load asks.
   */
  private readonly sources = new Map<string, InlineSource>();

  constructor(private readonly ex: Execution) {
    this.store = new PartitionedStore(ex.data.store, { statDir: statDir(ex.o.root) });
  }

  /**
   * The partitions of a dataset: as written in this run, or listed and hashed from storage
   * (a free input, or in run-node an output of another task).
   */
  async known(ds: PlanDataset, node: string): Promise<PartitionSet> {
    let set = this.sets.get(ds.id);
    if (set) return set;
    if (isMemory(ds)) {
      const from = ds.producer
        ? `its producer "${ds.producer}" does not run in this task or run`
        : "it is a free input and in-memory partitions cannot be given";
      throw new PipewrightError(
        ErrorCode.MEMORY_CROSSES_TASK,
        `node "${node}" reads in-memory partitioned dataset "${ds.id}", but ${from}. Give "${ds.id}" a catalog entry (a folder) so it is stored.`,
      );
    }
    // Unchanged files hash from their stats (see StatIndex): a fan-in's key costs a stat
    // per partition, not a read.
    const hashes = new Map<string, string>();
    const names = await this.store.names(ds, { node });
    for (const name of names) {
      const h = await this.store.currentHash(ds, name);
      if (h !== undefined) hashes.set(name, h);
    }
    this.store.keepStatsOf(ds, names);
    this.store.saveStats();
    set = { hashes, values: new Map() };
    this.sets.set(ds.id, set);
    return set;
  }

  /** The hash a reader of the whole collection puts in its key. */
  async collectionHash(ds: PlanDataset, node: string): Promise<string> {
    const set = await this.known(ds, node);
    set.collection ??= await collectionHash(set.hashes);
    return set.collection;
  }

  /**
   * One partition's value, decoded from bytes whose hash is the one in the reader's key:
   * if the partition changed since it was hashed (another process rewrote it), the read
   * fails instead of computing from other data than the key names.
   */
  async load(ds: PlanDataset, name: string, hash: string, node: string): Promise<unknown> {
    const set = this.sets.get(ds.id);
    if (isMemory(ds)) {
      if (set?.values.has(name)) return set.values.get(name);
      // No await on the common path (a vouched text from the index): a fan-in loads 10,000.
      let blob = this.inline.has(hash) ? await this.inlineBytes(hash) : undefined;
      blob ??=
        this.sourcedBytes(ds.id, name, hash) ?? (await this.checkedSourcedBytes(ds.id, name, hash));
      blob ??= await this.ex.cache?.getBlob(hash);
      if (!blob)
        throw new PipewrightError(
          ErrorCode.CACHE_CORRUPT,
          `node "${node}": the cached value of partition "${name}" of in-memory dataset "${ds.id}" is missing from the cache store. Run again with --no-cache, or give "${ds.id}" a catalog entry.`,
        );
      // Not kept: a fan-in walking 10,000 cached partitions holds one at a time (as
      // documented), and the run does not carry 10,000 decoded values to its end.
      return this.decode(ds, name, blob, node);
    }
    const read = await this.store.readHashed(ds, name, { node });
    if (read.hash !== hash) throw changed(ds, name, node);
    return this.decode(ds, name, read.bytes, node);
  }

  /**
   * Keeps a cached partition's inline bytes (base64) until one is loaded. `vouched`: the
   * text comes from a partition index whose snapshot or delta record passed its checksum
   * when read (or was written by this run), and the runner stored it as the base64 of the
   * very bytes it hashed to `hash`; so the bytes are the hash's and a load needs not hash
   * them again. Text from an unchecksummed source (an engine task's entry file, an index
   * from before checksums) is checked on load, and never replaces vouched text.
   */
  keepInline(hash: string, text: string, vouched: boolean): void {
    if (vouched) this.vouched.add(hash);
    else if (this.vouched.has(hash)) return;
    if (!this.inline.has(hash)) this.inline.set(hash, text);
  }

  /**
   * Makes the inline texts of `dataset`'s cached partitions loadable from `source` (by
   * partition name), instead of a keepInline per hit. The source answers with the text of
   * the entry that partition used in this run, its hash and whether its index vouches for
   * it; a load uses it only for the hash it asks for.
   */
  inlineFrom(dataset: string, source: InlineSource): void {
    this.sources.set(dataset, source);
  }

  /** A partition's bytes from its inline source, checked as inlineBytes checks kept ones. */
  private sourcedBytes(dataset: string, name: string, hash: string): Uint8Array | undefined {
    const found = this.sources.get(dataset)?.(name);
    if (found?.hash !== hash || !found.vouched) return undefined;
    return Buffer.from(found.text, "base64");
  }

  /** The same for a text its index does not vouch for: its bytes are hashed first. */
  private async checkedSourcedBytes(
    dataset: string,
    name: string,
    hash: string,
  ): Promise<Uint8Array | undefined> {
    const found = this.sources.get(dataset)?.(name);
    if (found?.hash !== hash || found.vouched) return undefined;
    const bytes = Buffer.from(found.text, "base64");
    return (await hashBytes(bytes)) === hash ? bytes : undefined;
  }

  /** Bytes kept in a partition index, checked against their hash (undefined if absent or bad). */
  async inlineBytes(hash: string): Promise<Uint8Array | undefined> {
    const kept = this.inline.get(hash);
    if (kept === undefined) return undefined;
    const bytes = typeof kept === "string" ? Buffer.from(kept, "base64") : kept;
    if (this.vouched.has(hash) || (await hashBytes(bytes)) === hash) return bytes;
    this.inline.delete(hash);
    return undefined;
  }

  decode(ds: PlanDataset, name: string, bytes: Uint8Array, node: string): Promise<unknown> {
    const schema = this.ex.schemaOf(ds.id);
    // In memory there is no file per partition: the dataset's own (canonical) format.
    if (isMemory(ds))
      return this.ex.data.store.decode(ds, bytes, schema, { node, partition: name });
    return this.store.decode(ds, name, bytes, schema, { node });
  }

  /** Validates, encodes and writes (or keeps, in memory) one partition of an output. */
  async save(ds: PlanDataset, name: string, value: unknown, node: string): Promise<Written> {
    const schema = this.ex.schemaOf(ds.id);
    if (isMemory(ds)) {
      const problem = partitionNameProblem(name);
      if (problem)
        throw new PipewrightError(
          ErrorCode.INVALID_NAME,
          `node "${node}": partition name ${JSON.stringify(name.slice(0, 120))} of "${ds.id}" ${problem}.`,
        );
      const bytes = await this.ex.data.store.encode(ds, value, schema, { node, partition: name });
      this.setOf(ds.id).values.set(name, value);
      return { hash: await hashBytes(bytes), bytes };
    }
    const bytes = await this.store.encode(ds, name, value, schema, { node });
    if (isMemory(ds)) {
      this.setOf(ds.id).values.set(name, value);
      return { hash: await hashBytes(bytes), bytes };
    }
    return { hash: (await this.store.writeBytes(ds, name, bytes, { node })).hash, bytes };
  }

  /** Whether a stored partition holds `hash` now. */
  async holds(ds: PlanDataset, name: string, hash: string): Promise<boolean> {
    return (await this.store.hash(ds, name)) === hash;
  }

  /** Puts a partition's bytes back from the cache (a restore). */
  async restore(ds: PlanDataset, name: string, bytes: Uint8Array, node: string): Promise<void> {
    await this.store.writeBytes(ds, name, bytes, { node });
  }

  /**
   * Makes a written collection exactly `hashes`: partitions not in it (removed from the
   * input, or failed this run) are deleted, so no reader sees a stale partition.
   */
  async settle(ds: PlanDataset, hashes: Map<string, string>, node: string): Promise<string[]> {
    const removed: string[] = [];
    if (!isMemory(ds)) {
      for (const name of await this.store.names(ds, { node })) {
        if (hashes.has(name)) continue;
        await this.store.remove(ds, name);
        removed.push(name);
      }
    }
    const set = this.setOf(ds.id);
    // A map node's outputs come in its items' order, already sorted: no copy then.
    const sorted = isSorted(hashes.keys())
      ? hashes
      : new Map([...hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const name of set.values.keys()) if (!sorted.has(name)) set.values.delete(name);
    set.hashes = sorted;
    delete set.collection;
    return removed;
  }

  /** A normal node's output: a Partitions collection (or a record) written partition by partition. */
  async saveCollection(ds: PlanDataset, value: unknown, node: string): Promise<string> {
    const record: Record<string, unknown> = isPartitions(value)
      ? await value.toRecord()
      : (value as Record<string, unknown>);
    if (record === null || typeof record !== "object" || Array.isArray(record))
      throw new PipewrightError(
        ErrorCode.OUTPUT_KEYS,
        `node "${node}" must return partitions({ name: value, ... }) for partitioned dataset "${ds.id}".`,
      );
    const hashes = new Map<string, string>();
    for (const [name, v] of Object.entries(record))
      hashes.set(name, (await this.save(ds, name, v, node)).hash);
    await this.settle(ds, hashes, node);
    return this.collectionHash(ds, node);
  }

  /** A lazy collection for a node that reads the whole dataset (fan-in). */
  async collection(ds: PlanDataset, node: string): Promise<Partitions<unknown>> {
    const set = await this.known(ds, node);
    // A set's hashes are never changed in place (settle puts a new map): no copy needed.
    const hashes = set.hashes;
    const names = [...hashes.keys()];
    const get = async (name: string) => {
      const h = hashes.get(name);
      if (h === undefined)
        throw new PipewrightError(
          ErrorCode.SOURCE_NOT_FOUND,
          `node "${node}": dataset "${ds.id}" has no partition "${name}" (it has ${names.length}).`,
        );
      return this.load(ds, name, h, node);
    };
    return {
      names,
      size: names.length,
      has: (name) => hashes.has(name),
      get,
      async toRecord() {
        const out: Record<string, unknown> = {};
        for (const n of names) out[n] = await get(n);
        return out;
      },
      async *[Symbol.asyncIterator]() {
        for (const n of names) yield [n, await get(n)] as [string, unknown];
      },
    };
  }

  private setOf(id: string): PartitionSet {
    let set = this.sets.get(id);
    if (!set) {
      set = { hashes: new Map(), values: new Map() };
      this.sets.set(id, set);
    }
    return set;
  }
}

function isSorted(names: Iterable<string>): boolean {
  let last: string | undefined;
  for (const name of names) {
    if (last !== undefined && !(last < name)) return false;
    last = name;
  }
  return true;
}

function changed(ds: PlanDataset, name: string, node: string): PipewrightError {
  return new PipewrightError(
    ErrorCode.NODE_FAILED,
    `node "${node}": partition "${name}" of "${ds.id}" changed while the run was reading it (another process rewrote it). Run again.`,
  );
}
