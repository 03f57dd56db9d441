import { closeSync, openSync, readdirSync, readSync, rmSync } from "node:fs";
import { join } from "node:path";
import { nodeCrypto } from "@pipewright/core";
import { hashBytes } from "@pipewright/io";
import type { CacheBackend } from "./backend.ts";
import type { KeyParts } from "./key.ts";
import { appendRecord, frame, localFolder, unframe } from "./partition-delta.ts";
import {
  decodeEntry,
  decodeSnapshot,
  encodeSnapshot,
  type IndexView,
  inlineHashes,
  inlineOutput,
  isSnapshot2,
  type PartitionEntry,
} from "./partition-snapshot.ts";

export type { IndexView, PartitionEntry } from "./partition-snapshot.ts";

/**
 * The cache entries of one map node: a snapshot `partitions/<node id>.json` rather than one
 * file per partition (a 10,000-partition node reads one file to learn every hit), and on a
 * local store an append-only delta beside it, `partitions/<node id>.<gen>.delta`, so a run
 * that adds one partition appends one record instead of rewriting megabytes.
 * `last` is the key each partition last ran or hit with, and `static` the node's static key
 * then, so `status` can tell a new partition from a changed one and a code or param change
 * from a data change.
 *
 * The snapshot is a line-per-record text with one checksum over its body (format 2, see
 * partition-snapshot.ts): opening it hashes the file once and splits its lines, and an
 * entry is decoded when looked up. Snapshots of format 1 (one framed JSON record, or plain
 * JSON from before checksums) are still read; the next save writes format 2.
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
interface PartitionIndexFileV1 {
  v: 1;
  node: string;
  static: string;
  entries: Record<string, PartitionEntry>;
  last: Record<string, string>;
  parts?: KeyParts;
  gen?: string;
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
  /** Name -> key of each partition used (ran or hit) but not kept. */
  private readonly used = new Map<string, string>();
  /**
   * Partitions hit at their previous key from their previous input (see keep): nothing of
   * theirs changes, so they cost a push, not two map entries; never also in `used`.
   */
  private readonly kept: string[] = [];
  /** Name -> input hash of each partition used with a known input (for the key memo). */
  private readonly inputs = new Map<string, string>();
  /** Entries read from their own files by lookup(), folded into the index on save. */
  private readonly found = new Map<string, PartitionEntry>();

  private constructor(
    private readonly backend: CacheBackend,
    readonly node: string,
    /** The snapshot with its delta applied. */
    readonly previous: IndexView | undefined,
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
    return this.added.get(key) ?? this.stored(key) ?? this.found.get(key);
  }

  /**
   * The hashes of outputs `ids` of the entry of `key` when each is kept inline and the
   * entry has no metrics (see inlineHashes); an encoded entry stays encoded.
   */
  inlineHashes(key: string, ids: readonly string[]): string[] | undefined {
    const e = this.added.get(key) ?? this.previous?.entries.get(key) ?? this.found.get(key);
    return e === undefined ? undefined : inlineHashes(e, ids);
  }

  /** The previous index's entry of `key`, decoded on first use. */
  private stored(key: string): PartitionEntry | undefined {
    const entries = this.previous?.entries;
    const e = entries?.get(key);
    if (typeof e !== "string") return e;
    const decoded = decodeEntry(e);
    if (decoded) entries!.set(key, decoded);
    else entries!.delete(key);
    return decoded;
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
    return this.added.has(key) || (this.read.framed && this.previous?.entries.has(key) === true);
  }

  /**
   * The inline text of output `id` of partition `name`, from the entry of the key it
   * stands at in this run when it ran or hit, else of the key it last stood at — so use
   * it only for the content hash it comes with (see PartitionData.inlineFrom). `vouched`:
   * as vouches() says of that key.
   */
  inlineOf(name: string, id: string): { hash: string; text: string; vouched: boolean } | undefined {
    const key = this.used.get(name) ?? this.previous?.last.get(name);
    if (key === undefined) return undefined;
    const mine = this.added.get(key);
    const kept = mine ?? this.previous?.entries.get(key);
    // What vouches() says, without a second lookup of the key in 10,000 entries: an entry
    // found there is the previous index's.
    const vouched = mine !== undefined || (kept !== undefined && this.read.framed);
    // An encoded entry is read in place (a fan-in loading 10,000 decodes none of them).
    let o = kept === undefined ? undefined : inlineOutput(kept, id);
    if (o === undefined) {
      const e = mine ?? this.stored(key) ?? this.found.get(key);
      o = e === undefined ? undefined : inlineOutput(e, id);
      if (o === undefined) return undefined;
      return { hash: o.hash, text: o.inline, vouched: this.vouches(key) };
    }
    return { hash: o.hash, text: o.inline, vouched };
  }

  /**
   * Records that partition `name` hit at the key the memo gave for it (knownKey): the
   * same key and input as last time, so nothing to write for it. Call it (or use) once
   * per partition and run.
   */
  keep(name: string): void {
    this.kept.push(name);
  }

  /** The names the previous run left that this run neither ran nor hit. */
  unusedLastNames(): string[] {
    const p = this.previous;
    if (!p) return [];
    // Kept names are all in `last`: when they and the used ones found there are all of
    // it, nothing is left (the common case, with no set of 10,000 names).
    let inLast = this.kept.length;
    for (const name of this.used.keys()) if (p.last.has(name)) inLast++;
    if (inLast === p.last.size) return [];
    const now = new Set(this.kept);
    for (const name of this.used.keys()) now.add(name);
    return [...p.last.keys()].filter((name) => !now.has(name));
  }

  /** The key partition `name` last ran or hit with. */
  lastKey(name: string): string | undefined {
    return this.previous?.last.get(name);
  }

  /** The names of the partitions the previous run left (ran or hit). */
  lastNames(): Iterable<string> {
    return this.previous?.last.keys() ?? [];
  }

  /** The key of partition `name` with input `input` under `prefix`, if the memo knows it. */
  knownKey(name: string, input: string, prefix: string): string | undefined {
    const p = this.previous;
    if (p?.memoPrefix !== prefix || p.inputs.get(name) !== input) return undefined;
    return p.last.get(name);
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
    // A run that changes nothing writes nothing (10,000 entries are megabytes).
    if (this.unchanged(staticKey, parts, prefix)) return;
    const bad = await this.unverified();
    const folder = localFolder(this.backend);
    const p = this.previous;
    const snapshot = this.read.snapshot;
    if (folder && p?.gen && snapshot && p.static === staticKey && sameParts(p.parts, parts)) {
      const line = await frame(this.delta(p.gen, staticKey, prefix, bad));
      const deltaSize = this.read.delta?.byteLength ?? 0;
      if (
        (await this.snapshotUnmoved(folder, snapshot)) &&
        deltaSize + line.length <= snapshot.byteLength * DELTA_FRACTION
      ) {
        appendRecord(folder, PartitionIndex.deltaPath(this.node, p.gen), line);
        return;
      }
    }
    await this.compact(staticKey, parts, prefix, bad);
  }

  /**
   * Keys of entries from sources nothing vouches for (engine tasks' entry files, a
   * snapshot from before checksums) whose inline texts do not hash to their recorded
   * hashes. They are not written into the checksummed index, where they would be vouched
   * for and loaded unchecked.
   */
  private async unverified(): Promise<Set<string>> {
    const bad = new Set<string>();
    const check = async (key: string, e: PartitionEntry | string | undefined) => {
      const entry = typeof e === "string" ? decodeEntry(e) : e;
      for (const o of Object.values(entry?.outputs ?? {}))
        if (
          o.inline !== undefined &&
          (await hashBytes(Buffer.from(o.inline, "base64"))) !== o.hash
        ) {
          bad.add(key);
          return;
        }
    };
    for (const [key, e] of this.found) if (!this.added.has(key)) await check(key, e);
    if (!this.read.framed && this.previous)
      for (const [key, e] of this.previous.entries) await check(key, e);
    return bad;
  }

  /**
   * Whether the snapshot on disk is still the one opened (no other run compacted since). A
   * format-2 snapshot's first line holds the checksum of all the rest, generation
   * included: comparing that line stands for comparing megabytes.
   */
  private async snapshotUnmoved(folder: string, snapshot: Uint8Array): Promise<boolean> {
    if (!isSnapshot2(snapshot))
      return sameBytes(await this.backend.read(PartitionIndex.path(this.node)), snapshot);
    const head = snapshot.subarray(0, snapshot.indexOf(0x0a) + 1);
    const now = new Uint8Array(head.byteLength);
    let fd: number;
    try {
      fd = openSync(join(folder, PartitionIndex.path(this.node)), "r");
    } catch {
      return false;
    }
    try {
      return readSync(fd, now, 0, now.byteLength, 0) === now.byteLength && sameBytes(now, head);
    } finally {
      closeSync(fd);
    }
  }

  /** What this run changed, against the index as it opened it. */
  private delta(
    gen: string,
    staticKey: string,
    prefix: string | undefined,
    bad: ReadonlySet<string>,
  ): DeltaRecord {
    const p = this.previous!;
    const memoKept = prefix !== undefined && p.memoPrefix === prefix;
    // Built from pairs: any name (even "__proto__") becomes an own property.
    const entries: [string, PartitionEntry][] = [];
    const last: [string, string][] = [];
    const inputs: [string, string][] = [];
    const gone: string[] = [];
    for (const [k, e] of [...this.added, ...this.found])
      if (!p.entries.has(k) && (this.added.has(k) || !bad.has(k))) entries.push([k, e]);
    for (const [name, key] of this.used) {
      const input = this.inputs.get(name);
      if (memoKept && p.last.get(name) === key && p.inputs.get(name) === input) continue;
      last.push([name, key]);
      if (prefix && input !== undefined) inputs.push([name, input]);
    }
    for (const name of this.unusedLastNames()) gone.push(name);
    return {
      gen,
      static: staticKey,
      ...(prefix && { prefix }),
      entries: Object.fromEntries(entries),
      last: Object.fromEntries(last),
      inputs: Object.fromEntries(inputs),
      gone,
    };
  }

  /** Writes a new snapshot (atomic, the backend's contract), then drops older deltas. */
  private async compact(
    staticKey: string,
    parts: KeyParts | undefined,
    prefix: string | undefined,
    bad: ReadonlySet<string>,
  ) {
    const now = await readIndex(this.backend, this.node);
    const moved =
      !sameBytes(now.snapshot, this.read.snapshot) || !sameBytes(now.delta, this.read.delta);
    const mine = this.previous?.entries;
    const entries = new Map<string, PartitionEntry | string>(this.added);
    // Another run saved since this one opened the index: keep what it added.
    if (moved && now.view)
      for (const [k, e] of now.view.entries)
        if (!entries.has(k) && !mine?.has(k)) entries.set(k, e);
    // Every partition of this run, kept ones at their previous key and input.
    const used = new Map(this.used);
    const usedInputs = new Map(this.inputs);
    for (const name of this.kept) {
      if (used.has(name)) continue;
      used.set(name, this.previous!.last.get(name)!);
      const input = this.previous!.inputs.get(name);
      if (input !== undefined) usedInputs.set(name, input);
    }
    const limit = Math.max(16, SPARE * used.size);
    for (const key of used.values()) {
      if (entries.has(key) || bad.has(key)) continue;
      const e = mine?.get(key) ?? this.found.get(key);
      if (e !== undefined) entries.set(key, e);
    }
    // Stored newest first (this run's entries lead), so the oldest are the ones left out.
    if (mine)
      for (const [k, e] of mine) {
        if (entries.size >= limit) break;
        if (!entries.has(k) && !bad.has(k)) entries.set(k, e);
      }
    const last = new Map([...used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const inputs = new Map<string, string>();
    if (prefix)
      for (const name of last.keys()) {
        const input = usedInputs.get(name);
        if (input !== undefined) inputs.set(name, input);
      }
    const gen = nodeCrypto().randomBytes(8).toString("hex");
    const bytes = await encodeSnapshot({
      node: this.node,
      static: staticKey,
      gen,
      ...(parts && { parts }),
      ...(prefix !== undefined && { memoPrefix: prefix }),
      entries,
      last,
      inputs,
    });
    await this.backend.write(PartitionIndex.path(this.node), bytes);
    const folder = localFolder(this.backend);
    if (folder) removeDeltas(folder, this.node, gen);
  }

  /** Whether saving would change nothing: no new entry, same pointers, same key memo. */
  private unchanged(staticKey: string, parts: KeyParts | undefined, prefix: string | undefined) {
    const p = this.previous;
    if (!p || this.added.size > 0 || this.found.size > 0 || p.static !== staticKey) return false;
    if (!sameParts(p.parts, parts)) return false;
    if (p.last.size !== this.used.size + this.kept.length) return false;
    for (const [name, key] of this.used) if (p.last.get(name) !== key) return false;
    if (prefix === undefined) return true;
    if (p.memoPrefix !== prefix) return false;
    for (const [name, input] of this.inputs) if (p.inputs.get(name) !== input) return false;
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
function apply(v: IndexView, r: DeltaRecord): void {
  if (typeof r !== "object" || r === null || r.gen !== v.gen || r.static !== v.static) return;
  for (const [k, e] of Object.entries(r.entries ?? {})) v.entries.set(k, e);
  if (r.prefix !== v.memoPrefix) {
    // Another prefix: every remembered input was paired with a key of the old one.
    v.inputs.clear();
    if (r.prefix) v.memoPrefix = r.prefix;
    else delete v.memoPrefix;
  }
  const inputs = r.inputs ?? {};
  for (const [name, key] of Object.entries(r.last ?? {})) {
    v.last.set(name, key);
    const input = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
    if (v.memoPrefix !== undefined && typeof input === "string") v.inputs.set(name, input);
    else v.inputs.delete(name);
  }
  for (const name of r.gone ?? []) {
    v.last.delete(name);
    v.inputs.delete(name);
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
 * A snapshot: format 2 (partition-snapshot.ts); or format 1, one framed, checksummed JSON
 * record (partition-delta.ts), or plain JSON from before deltas (no generation, so no delta).
 */
async function parse(bytes: Uint8Array | undefined): Promise<IndexView | undefined> {
  if (!bytes) return undefined;
  if (isSnapshot2(bytes)) return decodeSnapshot(bytes);
  let file: PartitionIndexFileV1 | undefined;
  if (bytes[0] === 0x7b /* { */) {
    try {
      file = JSON.parse(decoder.decode(bytes)) as PartitionIndexFileV1;
    } catch {
      return undefined;
    }
    if (file) delete file.gen;
  } else [file] = (await unframe(bytes)) as (PartitionIndexFileV1 | undefined)[];
  if (file?.v !== 1 || typeof file.entries !== "object" || file.entries === null) return undefined;
  const last = new Map(Object.entries(file.last ?? {}));
  const inputs = new Map(file.memo ? Object.entries(file.memo.inputs ?? {}) : []);
  return {
    node: file.node,
    static: file.static,
    ...(file.gen !== undefined && { gen: file.gen }),
    ...(file.parts && { parts: file.parts }),
    ...(file.memo && { memoPrefix: file.memo.prefix }),
    entries: new Map(Object.entries(file.entries)),
    last,
    inputs,
  };
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
