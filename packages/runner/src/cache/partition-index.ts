import type { CacheBackend } from "./backend.ts";
import type { KeyParts } from "./key.ts";

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
 * The cache entries of one map node, in one file (`partitions/<node id>.json`) rather than
 * one file per partition: a 10,000-partition node reads one file to learn every hit, and
 * writes one file per run. `last` is the key each partition last ran or hit with, and
 * `static` the node's static key then, so `status` can tell a new partition from a changed
 * one and a code or param change from a data change.
 *
 * Two runs writing the index at once: each re-reads the file just before its atomic
 * write and keeps the entries the other added, so only a write landing between that read
 * and the rename is lost — a rerun of those partitions, never a wrong hit (an entry is a
 * key's outputs, true whoever wrote it, and every hit is checked against the outputs'
 * recorded hashes).
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
}

const decoder = new TextDecoder();
/** Output partitions up to this many bytes are kept in the index instead of as blobs. */
export const INLINE_MAX = 512;
/** Entries kept beyond the current partitions, so switching a param back still hits. */
const SPARE = 4;

export class PartitionIndex {
  private readonly added = new Map<string, PartitionEntry>();
  private readonly used = new Map<string, string>();
  /** Entries read from their own files by lookup(), folded into the index on save. */
  private readonly found = new Map<string, PartitionEntry>();

  private constructor(
    private readonly backend: CacheBackend,
    readonly node: string,
    readonly previous: PartitionIndexFile | undefined,
    /** The file's bytes when opened: save() merges only when another run changed them. */
    private readonly read: Uint8Array | undefined,
  ) {}

  static path(node: string): string {
    return `partitions/${node}.json`;
  }

  /** The index of a map node (empty when it never ran, or the file is unreadable). */
  static async open(backend: CacheBackend, node: string): Promise<PartitionIndex> {
    const bytes = await backend.read(PartitionIndex.path(node));
    return new PartitionIndex(backend, node, parse(bytes), bytes);
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

  /** The key partition `name` last ran or hit with. */
  lastKey(name: string): string | undefined {
    return this.previous?.last[name];
  }

  /** Records that partition `name` now stands at `key` (a hit, or a run that stored `entry`). */
  use(name: string, key: string, entry?: PartitionEntry): void {
    this.used.set(name, key);
    if (entry) this.added.set(key, entry);
  }

  /**
   * Writes the index: this run's entries, then the older ones most recently written, up to
   * SPARE times the current partitions. Atomic (the backend's contract).
   */
  async save(staticKey: string, parts?: KeyParts): Promise<void> {
    const now = await this.backend.read(PartitionIndex.path(this.node));
    const moved = !sameBytes(now, this.read);
    const last = [...this.used].sort(([a], [b]) => (a < b ? -1 : 1));
    // A fully cached run changes nothing: no write (10,000 entries are megabytes of JSON).
    if (!moved && this.unchanged(staticKey, parts, last)) return;
    const entries: Record<string, PartitionEntry> = {};
    for (const [k, e] of this.added) entries[k] = e;
    // Another run saved since this one opened the index: keep what it added.
    const theirs = moved ? parse(now) : undefined;
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
    const older = Object.entries(this.previous?.entries ?? {});
    for (const [k, e] of older) {
      if (n >= limit) break;
      if (k in entries) continue;
      entries[k] = e;
      n++;
    }
    const file: PartitionIndexFile = {
      v: 1,
      node: this.node,
      static: staticKey,
      entries,
      last: Object.fromEntries(last),
      ...(parts && { parts }),
    };
    await this.backend.write(PartitionIndex.path(this.node), JSON.stringify(file));
  }

  /** Whether saving would write what the file already holds (no new entry, same pointers). */
  private unchanged(staticKey: string, parts: KeyParts | undefined, last: [string, string][]) {
    const p = this.previous;
    if (!p || this.added.size > 0 || this.found.size > 0 || p.static !== staticKey) return false;
    if (JSON.stringify(p.parts) !== JSON.stringify(parts)) return false;
    const before = Object.keys(p.last);
    if (before.length !== last.length) return false;
    for (const [name, key] of last) if (p.last[name] !== key) return false;
    return true;
  }
}

function parse(bytes: Uint8Array | undefined): PartitionIndexFile | undefined {
  let file: PartitionIndexFile | undefined;
  try {
    file = bytes ? (JSON.parse(decoder.decode(bytes)) as PartitionIndexFile) : undefined;
  } catch {
    return undefined;
  }
  if (file && (file.v !== 1 || typeof file.entries !== "object" || file.entries === null))
    return undefined;
  return file;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
