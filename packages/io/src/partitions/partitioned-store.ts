import type { Dirent } from "node:fs";
import type { PlanDataset } from "@pipewright/core";
import type { z } from "zod";
import type { DataContext, DataStore } from "../datastore/datastore.ts";
import { DataError, ErrorCode, StorageError } from "../errors.ts";
import { fsp } from "../fs-promises.ts";
import { hashBytes } from "../hash.ts";
import { LocalStorage } from "../storage/local.ts";
import { partitionNameProblem } from "./names.ts";
import { StatIndex } from "./stat-index.ts";

/** The file extension of a partition, by format: `2024-01-01.jsonl`. */
const SUFFIX: Record<string, string> = {
  json: ".json",
  jsonl: ".jsonl",
  csv: ".csv",
  parquet: ".parquet",
  text: ".txt",
  bytes: ".bin",
};

/** `filename_suffix` in a binding's options wins; else the format's usual extension. */
export function partitionSuffix(ds: PlanDataset): string {
  const given = ds.storage.options?.filename_suffix;
  return typeof given === "string" ? given : (SUFFIX[ds.storage.type] ?? "");
}

/**
 * A partitioned dataset in storage: a folder (or S3 prefix) holding one file per
 * partition, `<folder>/<name><suffix>`, each in the dataset's format. Partitions are read
 * and written one at a time, each write atomic (the storage's contract), so a reader sees
 * every partition whole, old or new. Names are checked on the way in and out
 * (partitionNameProblem): a file whose name is not a safe partition name is an error, not
 * silently skipped, and files without the suffix (a README, `_SUCCESS`) are ignored.
 *
 * @example
 * const parts = new PartitionedStore(new DataStore({ root }));
 * for (const name of await parts.names(ds)) console.log(name, await parts.load(ds, name, schema));
 */
export class PartitionedStore {
  /** Local folder -> its stat index (see StatIndex), once opened. */
  private readonly stats = new Map<string, StatIndex | undefined>();
  /** The same, by binding: the lookup a hit makes 10,000 times. */
  private readonly statsByDs = new WeakMap<PlanDataset, StatIndex | undefined>();

  constructor(
    readonly data: DataStore,
    /**
     * `statDir`: where to remember the stats and hashes of local partition files, so that
     * an unchanged file is not read again (see StatIndex). Without it every hash reads.
     */
    private readonly options: { statDir?: string | undefined } = {},
  ) {}

  /** The folder or prefix, always ending with "/". */
  base(ds: PlanDataset): string {
    const uri = ds.storage.uri;
    if (uri === undefined)
      throw new DataError(
        ErrorCode.BAD_URI,
        { dataset: ds.id },
        `a partitioned ${ds.storage.type} dataset needs a folder path or uri in the catalog (e.g. path: data/01_raw/${ds.id}/)`,
      );
    return uri.endsWith("/") ? uri : `${uri}/`;
  }

  /** Where partition `name` lives. Throws for an unsafe name. */
  uri(ds: PlanDataset, name: string, ctx: DataContext = {}): string {
    const problem = partitionNameProblem(name);
    if (problem)
      throw new DataError(
        ErrorCode.INVALID_NAME,
        { dataset: ds.id, node: ctx.node, uri: ds.storage.uri },
        `partition name ${JSON.stringify(name.slice(0, 120))} ${problem}.`,
      );
    return `${this.base(ds)}${name}${partitionSuffix(ds)}`;
  }

  /** The dataset as one partition: the same binding, located at that partition's file. */
  view(ds: PlanDataset, name: string, ctx: DataContext = {}): PlanDataset {
    return { ...ds, storage: { ...ds.storage, uri: this.uri(ds, name, ctx) } };
  }

  /** The partition names present, sorted. An absent folder has none. */
  async names(ds: PlanDataset, ctx: DataContext = {}): Promise<string[]> {
    const base = this.base(ds);
    const suffix = partitionSuffix(ds);
    const files = await this.guard(ds, ctx, () => this.files(ds, base));
    const names: string[] = [];
    for (const rest of files) {
      // Deeper files belong to nested folders, which are not partitions of this one.
      if (rest.includes("/") || !rest.endsWith(suffix)) continue;
      const name = suffix === "" ? rest : rest.slice(0, -suffix.length);
      if (name.startsWith(".") || name.startsWith("_")) continue; // hidden, _SUCCESS markers
      const problem = partitionNameProblem(name);
      if (problem)
        throw new DataError(
          ErrorCode.INVALID_NAME,
          { dataset: ds.id, node: ctx.node, uri: base + rest },
          `file "${rest}" is not a valid partition: its name ${JSON.stringify(name)} ${problem}. Rename the file, or move it out of ${base}.`,
        );
      names.push(name);
    }
    return names.sort();
  }

  /**
   * The files under `base`, as paths relative to it: for a local folder, only its own
   * files, in one readdir, their names as it gives them (the storage's list walks nested
   * folders and resolves every path, which is most of the cost of listing 10,000
   * partitions; nested files are not partitions anyway).
   */
  private async files(ds: PlanDataset, base: string): Promise<string[]> {
    const storage = this.data.storage(ds);
    const listed = async () => {
      const out: string[] = [];
      for (const file of await storage.list(base))
        if (file.startsWith(base)) out.push(file.slice(base.length));
      return out;
    };
    if (!(storage instanceof LocalStorage)) return listed();
    const dir = storage.pathOf(base);
    let entries: Dirent[];
    try {
      entries = await fsp().readdir(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      return listed(); // the storage's own error
    }
    const out: string[] = [];
    for (const e of entries) if (e.isFile()) out.push(e.name);
    return out;
  }

  /** The stored bytes of one partition. */
  readBytes(ds: PlanDataset, name: string, ctx: DataContext = {}): Promise<Uint8Array> {
    return this.data.readBytes(this.view(ds, name, ctx), { ...ctx, partition: name });
  }

  /** Writes one partition's bytes atomically (adds or replaces it). */
  writeBytes(
    ds: PlanDataset,
    name: string,
    bytes: Uint8Array,
    ctx: DataContext = {},
  ): Promise<{ hash: string; bytes: number }> {
    return this.data.writeBytes(this.view(ds, name, ctx), bytes, { ...ctx, partition: name });
  }

  /** The content hash of one partition, or undefined when absent. */
  hash(ds: PlanDataset, name: string): Promise<string | undefined> {
    return this.data.contentHash(this.view(ds, name));
  }

  /**
   * The content hash of one partition's bytes now, or undefined when absent: from the stat
   * index when the file's stat still vouches for a remembered hash, else read and hashed
   * (and remembered). s3:// partitions: the storage's hash (the hash recorded in the
   * object's metadata by a HEAD, or the bytes read), since the listing gives no ETags here.
   */
  async currentHash(ds: PlanDataset, name: string): Promise<string | undefined> {
    const stats = this.statsOf(ds);
    if (!stats) return this.hash(ds, name);
    const known = stats.lookup(name);
    if (known !== undefined) return known;
    try {
      return (await stats.read(name)).hash;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      return this.hash(ds, name); // the storage's own error, with its message
    }
  }

  /** The remembered hash of a local partition whose stat still vouches for it; no read. */
  statHash(ds: PlanDataset, name: string): string | undefined {
    return this.statsOf(ds)?.lookup(name);
  }

  /**
   * One partition's bytes and the hash of exactly those bytes (what a reader puts in its
   * key); a local file's stat is remembered on the way (see StatIndex).
   */
  async readHashed(
    ds: PlanDataset,
    name: string,
    ctx: DataContext = {},
  ): Promise<{ bytes: Uint8Array; hash: string }> {
    const stats = this.statsOf(ds, ctx);
    if (stats) {
      try {
        return await stats.read(name);
      } catch {
        // Absent or unreadable: the storage's read says so with the usual error.
      }
    }
    const bytes = await this.readBytes(ds, name, ctx);
    return { bytes, hash: await hashBytes(bytes) };
  }

  /** Forgets the stats of partitions no longer present (after a full listing). */
  keepStatsOf(ds: PlanDataset, names: readonly string[] | { has(name: string): boolean }): void {
    this.statsOf(ds)?.keepOnly("has" in names ? names : new Set(names));
  }

  /** Writes the stat indexes that changed. */
  saveStats(): void {
    for (const s of this.stats.values()) s?.save();
  }

  /** The stat index of a local partitioned dataset, when there is a stat folder. */
  private statsOf(ds: PlanDataset, ctx: DataContext = {}): StatIndex | undefined {
    if (this.statsByDs.has(ds)) return this.statsByDs.get(ds);
    const dir = this.options.statDir;
    if (dir === undefined || ds.storage.type === "memory") return undefined;
    const base = this.base(ds);
    const key = `${base}\0${partitionSuffix(ds)}`;
    let index = this.stats.get(key);
    if (!this.stats.has(key)) {
      const storage = this.data.storage(ds);
      if (storage instanceof LocalStorage) {
        const abs = this.guardSync(ds, ctx, () => storage.pathOf(base));
        index = StatIndex.open(dir, abs.endsWith("/") ? abs : `${abs}/`, partitionSuffix(ds));
      }
      this.stats.set(key, index);
    }
    this.statsByDs.set(ds, index);
    return index;
  }

  /** Removes one partition (absent is fine). */
  remove(ds: PlanDataset, name: string): Promise<void> {
    return this.data.remove(this.view(ds, name));
  }

  /** Decodes one partition's bytes and validates them by the per-partition schema. */
  decode(
    ds: PlanDataset,
    name: string,
    bytes: Uint8Array,
    schema: z.ZodType,
    ctx: DataContext = {},
  ): Promise<unknown> {
    return this.data.decode(this.view(ds, name, ctx), bytes, schema, { ...ctx, partition: name });
  }

  /** Validates and encodes one partition's value. */
  encode(
    ds: PlanDataset,
    name: string,
    value: unknown,
    schema: z.ZodType,
    ctx: DataContext = {},
  ): Promise<Uint8Array> {
    return this.data.encode(this.view(ds, name, ctx), value, schema, { ...ctx, partition: name });
  }

  /** Reads, decodes and validates one partition. */
  async load(
    ds: PlanDataset,
    name: string,
    schema: z.ZodType,
    ctx: DataContext = {},
  ): Promise<unknown> {
    return this.decode(ds, name, await this.readBytes(ds, name, ctx), schema, ctx);
  }

  /** Validates, encodes and writes one partition atomically; returns its hash and size. */
  async save(
    ds: PlanDataset,
    name: string,
    value: unknown,
    schema: z.ZodType,
    ctx: DataContext = {},
  ): Promise<{ hash: string; bytes: number }> {
    const bytes = await this.encode(ds, name, value, schema, ctx);
    return this.writeBytes(ds, name, bytes, ctx);
  }

  /** Name -> content hash of every partition present (read and hashed one by one). */
  async hashes(ds: PlanDataset, ctx: DataContext = {}): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of await this.names(ds, ctx)) {
      const h = await this.hash(ds, name);
      if (h !== undefined) out.set(name, h);
    }
    return out;
  }

  private async guard<T>(ds: PlanDataset, ctx: DataContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw dataError(ds, ctx, e);
    }
  }

  private guardSync<T>(ds: PlanDataset, ctx: DataContext, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw dataError(ds, ctx, e);
    }
  }
}

/** A storage error as a dataset-level error, naming dataset and node. */
function dataError(ds: PlanDataset, ctx: DataContext, e: unknown): unknown {
  if (!(e instanceof StorageError)) return e;
  return new DataError(e.code, { dataset: ds.id, node: ctx.node, uri: ds.storage.uri }, e.message, {
    cause: e,
  });
}

/**
 * One hash for a whole collection: over the sorted names and each partition's hash. Two
 * collections hash alike exactly when they hold the same names with the same bytes, so a
 * partition added, removed or changed changes it (what a fan-in node's key reads).
 *
 * @example
 * await collectionHash(new Map([["2024-01-01", "ab12..."]]))
 */
export function collectionHash(partitions: ReadonlyMap<string, string>): Promise<string> {
  // `partitions\0<size>` then `\0<name>\0<hash>` per partition, made by one join (a flat
  // string at once): at 10,000 partitions, += made 20,000 cons strings and then a flat
  // copy, garbage that every incremental run paid two or three times.
  const parts: string[] = new Array(1 + 2 * partitions.size);
  parts[0] = `partitions\0${partitions.size}`;
  let at = 1;
  const add = (h: string, n: string) => {
    parts[at++] = n;
    parts[at++] = h;
  };
  if (sortedKeys(partitions)) partitions.forEach(add);
  else for (const n of [...partitions.keys()].sort()) add(partitions.get(n)!, n);
  return hashBytes(new TextEncoder().encode(parts.join("\0")));
}

/** Whether a map's keys are in sort() order already (the runner keeps collections sorted). */
function sortedKeys(m: ReadonlyMap<string, string>): boolean {
  let last: string | undefined;
  for (const n of m.keys()) {
    if (last !== undefined && !(last < n)) return false;
    last = n;
  }
  return true;
}
