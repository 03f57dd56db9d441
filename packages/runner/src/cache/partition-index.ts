import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { CacheBackend } from "./backend.ts";
import type { KeyParts } from "./key.ts";
import { appendRecord, frame, localFolder, unframe } from "./partition-delta.ts";

/** What one partition's key produced. */
export interface PartitionEntry {
  /** The partition name (for `status` and for pruning). */
  name: string;
  /**
   * Output dataset id -> content hash and size of the partition written. The bytes are a
   * blob, or for a small partition (≤ INLINE_MAX bytes) `inline` here, base64: 10,000
   * tiny partitions then cost one index file, not 10,000 blob files.
   */
  outputs: Record<string, { hash: string; size: number; inline?: string }>;
  metrics?: Record<string, unknown>;
}

/**
 * The cache entries of one map node: a snapshot `partitions/<node id>.json` rather than one
 * file per partition (a 10,000-partition node reads one file to learn every hit), and on a
 * local store an append-only delta beside it, `partitions/<node id>.<gen>.delta`, so a run
 * that adds one partition appends one record instead of rewriting megabytes of JSON.
 * `last` is the key each partition last ran or hit with, and `static` the node's static key
 * then, so `status` can tell a new partition from a changed one and a code or param change
 * from a data change.
 *
 * Crash safety: the snapshot is written atomically and carries a checksum; each delta
 * record is framed and checksummed (partition-delta.ts), so a torn append is skipped. A
 * delta belongs to one snapshot generation (`gen`, in its name and in every record):
 * compaction writes a new snapshot under a new generation, then removes the older deltas,
 * so a kill in between leaves an orphan that is never applied. A kill at any point leaves
 * a readable index or a miss.
 *
 * Two runs at once: appends from both land whole (O_APPEND) and both are applied. A run
 * that compacts re-reads the snapshot and delta just before its atomic write and keeps the
 * entries the others added, so only a write landing between that read and the rename is
 * lost — a rerun of those partitions, never a wrong hit (an entry is a key's outputs, true
 * whoever wrote it, and every hit is checked against the outputs' recorded hashes).
 *
 * S3 and other object stores cannot append: there every save that changes something
 * rewrites the snapshot whole, as before.
 */
export interface PartitionIndexFile {
  v: 1;
  node: string;
  static: string;
  /** Partition key -> entry. */
  entries: Record<string, PartitionEntry>;
  /** Partition name -> the key it last ran or hit with. */
  last: Record<string, string>;
  /** What went into every partition's key but the partition: for `status` to name code or param changes. */
  parts?: KeyParts;
  /** The snapshot's generation: its delta's records carry it. */
  gen?: string;
  /** What lets a run reuse a partition's key instead of hashing it again (see KeyMemo). */
  memo?: KeyMemo;
}

/**
 * A partition's key is a function of what every key of the node holds (`prefix`: a digest
 * of the static key, whole inputs and schema) and of the partition's name and input hash.
 * So when the prefix is the one recorded here and a partition's input hash is the one
 * recorded with its `last` key, that key is the partition's key now: no sha256. Written
 * as one unit with `last` (a delta record carries its prefix; applying a record of another
 * prefix drops the memo), so a memo never pairs an input with a key of another prefix.
 */
export interface KeyMemo {
  prefix: string;
  /** Partition name -> the input hash its `last` key was made from. */
  inputs: Record<string, string>;
}

/** One appended change: entries added, `last` pointers moved, names gone. */
interface DeltaRecord {
  gen: string;
  static: string;
  prefix?: string;
  entries?: Record<string, PartitionEntry>;
  last?: Record<string, string>;
  inputs?: Record<string, string>;
  gone?: string[];
}

const decoder = new TextDecoder();
/** Output partitions up to this many bytes are kept in the index instead of as blobs. */
export const INLINE_MAX = 512;
/** Entries kept beyond the current partitions, so switching a param back still hits. */
const SPARE = 4;
/**
 * The delta is folded into a new snapshot once it would exceed this fraction of the
 * snapshot's size: reading it stays a small part of opening the index, and a node whose
 * partitions mostly change rewrites the snapshot (which it would nearly double anyway).
 */
const DELTA_FRACTION = 0.25;

export class PartitionIndex {
  private readonly added = new Map<string, PartitionEntry>();
  private readonly used = new Map<string, string>();
  /** Name -> input hash of each partition used with a known input (for the key memo). */
  private readonly inputs = new Map<string, string>();
  /** Entries read from their own files by lookup(), folded into the index on save. */
  private readonly found = new Map<string, PartitionEntry>();

  private constructor(
    private readonly backend: CacheBackend,
    readonly node: string,
    /** The snapshot with its delta applied. */
    readonly previous: PartitionIndexFile | undefined,
    /** The snapshot's and the delta's bytes when opened: save() merges what others added since. */
    private readonly read: {
      snapshot: Uint8Array | undefined;
      delta: Uint8Array | undefined;
      framed: boolean;
    },
  ) {}

  static path(node: string): string {
    return `partitions/${node}.json`;
  }

  static deltaPath(node: string, gen: string): string {
    return `partitions/${node}.${gen}.delta`;
  }

  /** The index of a map node (empty when it never ran, or the file is unreadable). */
  static async open(backend: CacheBackend, node: string): Promise<PartitionIndex> {
    const read = await readIndex(backend, node);
    return new PartitionIndex(backend, node, read.view, read);
  }

  get(key: string): PartitionEntry | undefined {
    return this.added.get(key) ?? this.previous?.entries[key] ?? this.found.get(key);
  }

  /**
   * The entry of a key: from the index, or else from the one-file-per-entry store that
   * engine tasks running slices of the partitions write (see saveEntries).
   */
  async lookup(key: string): Promise<PartitionEntry | undefined> {
    const known = this.get(key);
    if (known) return known;
    const bytes = await this.backend.read(PartitionIndex.entryPath(key));
    if (!bytes) return undefined;
    try {
      const e = JSON.parse(decoder.decode(bytes)) as PartitionEntry;
      if (typeof e?.outputs !== "object" || e.outputs === null) return undefined;
      this.found.set(key, e);
      return e;
    } catch {
      return undefined;
    }
  }

  static entryPath(key: string): string {
    return `partition-entries/${key.slice(0, 2)}/${key}.json`;
  }

  /**
   * Writes this run's entries one file each: what a task running one slice of the
   * partitions does, since many tasks at once cannot share one index file. Any later run
   * finds them through lookup() and folds them into the index when it saves it.
   */
  async saveEntries(): Promise<void> {
    for (const [key, e] of this.added)
      await this.backend.write(PartitionIndex.entryPath(key), JSON.stringify(e));
  }

  /**
   * Whether the entry of `key` comes from a checksummed source: this run, or a snapshot or
   * delta record whose checksum matched (not an engine task's entry file, nor a snapshot
   * from before checksums).
   */
  vouches(key: string): boolean {
    return this.added.has(key) || (this.read.framed && this.previous?.entries[key] !== undefined);
  }

  /** The key partition `name` last ran or hit with. */
  lastKey(name: string): string | undefined {
    return this.previous?.last[name];
  }

  /** The key of partition `name` with input `input` under `prefix`, if the memo knows it. */
  knownKey(name: string, input: string, prefix: string): string | undefined {
    const memo = this.previous?.memo;
    if (memo?.prefix !== prefix || memo.inputs[name] !== input) return undefined;
    return this.previous!.last[name];
  }

  /**
   * Records that partition `name` now stands at `key` (a hit, or a run that stored
   * `entry`), made from input hash `input` when known.
   */
  use(name: string, key: string, entry?: PartitionEntry, input?: string): void {
    this.used.set(name, key);
    if (input !== undefined) this.inputs.set(name, input);
    if (entry) this.added.set(key, entry);
  }

  /**
   * Saves this run's changes: appended to the delta when that stays small (local stores),
   * else a new snapshot of this run's entries, then the older ones most recently written,
   * up to SPARE times the current partitions. `prefix` is the key memo's prefix (omit it
   * and no memo is kept).
   */
  async save(staticKey: string, parts?: KeyParts, prefix?: string): Promise<void> {
    // A run that changes nothing writes nothing (10,000 entries are megabytes of JSON).
    if (this.unchanged(staticKey, parts, prefix)) return;
    const folder = localFolder(this.backend);
    const p = this.previous;
    const snapshot = this.read.snapshot;
    if (folder && p?.gen && snapshot && p.static === staticKey && sameParts(p.parts, parts)) {
      const now = await this.backend.read(PartitionIndex.path(this.node));
      const line = await frame(this.delta(p.gen, staticKey, prefix));
      const deltaSize = this.read.delta?.byteLength ?? 0;
      if (
        sameBytes(now, snapshot) &&
        deltaSize + line.length <= snapshot.byteLength * DELTA_FRACTION
      ) {
        appendRecord(folder, PartitionIndex.deltaPath(this.node, p.gen), line);
        return;
      }
    }
    await this.compact(staticKey, parts, prefix);
  }

  /** What this run changed, against the index as it opened it. */
  private delta(gen: string, staticKey: string, prefix: string | undefined): DeltaRecord {
    const p = this.previous!;
    const rec: DeltaRecord = { gen, static: staticKey, ...(prefix && { prefix }) };
    const memoKept = prefix !== undefined && p.memo?.prefix === prefix;
    const entries: Record<string, PartitionEntry> = {};
    const last: Record<string, string> = {};
    const inputs: Record<string, string> = {};
    const gone: string[] = [];
    for (const [k, e] of [...this.added, ...this.found]) if (!(k in p.entries)) entries[k] = e;
    for (const [name, key] of this.used) {
      const input = this.inputs.get(name);
      if (memoKept && p.last[name] === key && p.memo!.inputs[name] === input) continue;
      last[name] = key;
      if (prefix && input !== undefined) inputs[name] = input;
    }
    for (const name of Object.keys(p.last)) if (!this.used.has(name)) gone.push(name);
    return { ...rec, entries, last, inputs, gone };
  }

  /** Writes a new snapshot (atomic, the backend's contract), then drops older deltas. */
  private async compact(staticKey: string, parts: KeyParts | undefined, prefix?: string) {
    const now = await readIndex(this.backend, this.node);
    const moved =
      !sameBytes(now.snapshot, this.read.snapshot) || !sameBytes(now.delta, this.read.delta);
    const entries: Record<string, PartitionEntry> = {};
    for (const [k, e] of this.added) entries[k] = e;
    // Another run saved since this one opened the index: keep what it added.
    const theirs = moved ? now.view : undefined;
    for (const [k, e] of Object.entries(theirs?.entries ?? {}))
      if (!(k in entries) && !(k in (this.previous?.entries ?? {}))) entries[k] = e;
    const limit = Math.max(16, SPARE * this.used.size);
    let n = Object.keys(entries).length;
    for (const key of this.used.values()) {
      const e = this.get(key);
      if (e && !(key in entries)) {
        entries[key] = e;
        n++;
      }
    }
    // Stored newest first (this run's entries lead), so the oldest are the ones left out.
    for (const [k, e] of Object.entries(this.previous?.entries ?? {})) {
      if (n >= limit) break;
      if (k in entries) continue;
      entries[k] = e;
      n++;
    }
    const last = [...this.used].sort(([a], [b]) => (a < b ? -1 : 1));
    const inputs: Record<string, string> = {};
    if (prefix)
      for (const [name] of last) if (this.inputs.has(name)) inputs[name] = this.inputs.get(name)!;
    const gen = randomBytes(8).toString("hex");
    const file: PartitionIndexFile = {
      v: 1,
      node: this.node,
      static: staticKey,
      gen,
      entries,
      last: Object.fromEntries(last),
      ...(parts && { parts }),
      ...(prefix && { memo: { prefix, inputs } }),
    };
    await this.backend.write(PartitionIndex.path(this.node), await frame(file));
    const folder = localFolder(this.backend);
    if (folder) removeDeltas(folder, this.node, gen);
  }

  /** Whether saving would change nothing: no new entry, same pointers, same key memo. */
  private unchanged(staticKey: string, parts: KeyParts | undefined, prefix: string | undefined) {
    const p = this.previous;
    if (!p || this.added.size > 0 || this.found.size > 0 || p.static !== staticKey) return false;
    if (!sameParts(p.parts, parts)) return false;
    if (Object.keys(p.last).length !== this.used.size) return false;
    for (const [name, key] of this.used) if (p.last[name] !== key) return false;
    if (prefix === undefined) return true;
    if (p.memo?.prefix !== prefix) return false;
    for (const [name, input] of this.inputs) if (p.memo.inputs[name] !== input) return false;
    return true;
  }
}

/** The snapshot and its delta as stored now, and the index they make. */
async function readIndex(backend: CacheBackend, node: string) {
  const snapshot = await backend.read(PartitionIndex.path(node));
  const view = await parse(snapshot);
  const delta = view?.gen
    ? await backend.read(PartitionIndex.deltaPath(node, view.gen))
    : undefined;
  if (view && delta) for (const r of await unframe(delta)) apply(view, r as DeltaRecord);
  // A snapshot from before checksums is plain JSON (it starts with "{").
  return { snapshot, delta, view, framed: snapshot !== undefined && snapshot[0] !== 0x7b };
}

/** Applies one delta record (skipped when it belongs to another snapshot or static key). */
function apply(file: PartitionIndexFile, r: DeltaRecord): void {
  if (typeof r !== "object" || r === null || r.gen !== file.gen || r.static !== file.static) return;
  Object.assign(file.entries, r.entries);
  if (r.prefix !== file.memo?.prefix) {
    if (r.prefix) file.memo = { prefix: r.prefix, inputs: {} };
    else delete file.memo;
  }
  for (const [name, key] of Object.entries(r.last ?? {})) {
    file.last[name] = key;
    const input = r.inputs?.[name];
    if (file.memo && input !== undefined) file.memo.inputs[name] = input;
    else if (file.memo) delete file.memo.inputs[name];
  }
  for (const name of r.gone ?? []) {
    delete file.last[name];
    if (file.memo) delete file.memo.inputs[name];
  }
}

/** Removes the node's deltas of every generation but `keep` (folded into the snapshot, or orphans). */
function removeDeltas(folder: string, node: string, keep: string): void {
  const dir = join(folder, "partitions");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) {
    if (!f.startsWith(`${node}.`) || !f.endsWith(".delta")) continue;
    const gen = f.slice(node.length + 1, -".delta".length);
    if (/^[0-9a-f]{16}$/.test(gen) && gen !== keep) rmSync(join(dir, f), { force: true });
  }
}

function sameParts(a: KeyParts | undefined, b: KeyParts | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A snapshot: one framed, checksummed record (partition-delta.ts); a file from before
 * deltas is plain JSON, read as it is (it has no generation, so no delta).
 */
async function parse(bytes: Uint8Array | undefined): Promise<PartitionIndexFile | undefined> {
  if (!bytes) return undefined;
  let file: PartitionIndexFile | undefined;
  if (bytes[0] === 0x7b /* { */) {
    try {
      file = JSON.parse(decoder.decode(bytes)) as PartitionIndexFile;
    } catch {
      return undefined;
    }
    if (file) delete file.gen;
  } else [file] = (await unframe(bytes)) as (PartitionIndexFile | undefined)[];
  if (file?.v !== 1 || typeof file.entries !== "object" || file.entries === null) return undefined;
  file.last ??= {};
  return file;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
