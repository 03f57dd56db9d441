import { canonicalJson, sha256 } from "@pipewright/core";
import { hashBytes } from "@pipewright/io";
import type { CacheBackend } from "./backend.ts";
import type { KeyParts } from "./key.ts";
import { type CacheLog, Kind, type LogItem } from "./log.ts";

/** KeyParts as stored: the code fingerprint, shared by many nodes, by reference. */
export type StoredParts = Omit<KeyParts, "code"> & { code: string; location: string | null };

/** What the store remembers for one full key. */
export interface CacheEntry {
  v: 1;
  key: string;
  node: string;
  createdAt: string;
  /**
   * Dataset id -> content hash and size of the bytes the node wrote; the bytes are blobs.
   * A stored partitioned dataset written whole is `collection`: its hash is the
   * collection hash of its partitions, which stay where they are (no blob, size 0).
   */
  outputs: Record<string, { hash: string; size: number; collection?: true }>;
  /** Metrics dataset id -> value, so a cached node still reports its metrics. */
  metrics?: Record<string, unknown>;
  /**
   * What went into the key (StoredParts as JSON text), so `status` can say what changed
   * since. Kept as text so the hit path, which never needs it, does not parse it; absent
   * where the log keeps it as an item of its own (partsOf finds it).
   */
  parts?: string;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** Blobs up to this many bytes go into the log with their entry; bigger ones are files. */
export const INLINE_BLOB_MAX = 1024;

function shard(kind: string, name: string, ext = ""): string {
  return `${kind}/${name.slice(0, 2)}/${name}${ext}`;
}

/**
 * The content-addressed cache store (docs/caching.md). In a local folder:
 *
 *     log/<time>-<pid>-<rand>.log   one append-only log per writing run: framed, checksummed
 *                                   items (entries, node pointers, code, small blobs)
 *     snapshot.log                  the items of compacted logs, and up to where it holds them
 *     blobs/<hh>/<content hash>     outputs over INLINE_BLOB_MAX bytes, verified on read
 *
 * A node's blobs, code, key parts, entry and pointer are one frame written by one append, after any
 * blob file it names: a run killed at any point leaves no entry or a complete one (a torn
 * frame is ignored on read). Where appending is impossible (s3:// through
 * StorageBackend), one file per item, each written atomically, in that same order:
 *
 *     entries/<kk>/<full key>.json  code/<cc>/<ref>.json  nodes/<node id>.key
 *
 * A local folder that still holds that older layout is read as a fallback, so upgrading
 * does not discard a cache.
 */
export class CacheStore {
  /** Code fingerprints known to be stored, so each is checked once per run. */
  private readonly codeStored = new Set<string>();
  /** The append-only index, where the backend has one (a local folder). */
  private readonly log: CacheLog | undefined;
  /** Whether one-file-per-item entries may exist: always without a log, or an older local store. */
  private readonly files: boolean;

  constructor(readonly backend: CacheBackend) {
    this.log = backend.openLog?.();
    this.files = this.log === undefined || this.log.olderLayout;
  }

  async getEntry(key: string): Promise<CacheEntry | undefined> {
    const logged = this.log?.entries.get(key);
    if (logged) {
      const entry = asEntry(parseJson(logged), key);
      // Checksummed, so only a bug or a hand-made log gets here: never trust it.
      if (!entry) this.log!.entries.delete(key);
      return entry;
    }
    if (!this.files) return undefined;
    const path = shard("entries", key, ".json");
    const bytes = await this.backend.read(path);
    if (!bytes) return undefined;
    const entry = asEntry(parseJson(bytes), key);
    // Unreadable (a disk fault, a hand edit): drop it and recompute.
    if (!entry) await this.backend.remove(path);
    return entry;
  }

  /**
   * Stores what a node's run produced: the blobs of its outputs, the code fingerprint its
   * key refers to, its entry, and its pointer, in that order (see the class comment).
   */
  async commit(
    entry: Omit<CacheEntry, "parts">,
    parts: KeyParts,
    blobs: readonly { hash: string; bytes: Uint8Array }[],
  ): Promise<void> {
    const { location, ...code } = parts.code;
    const ref = sha256(canonicalJson(code));
    const text = JSON.stringify({ ...parts, code: ref, location } satisfies StoredParts);
    const log = this.log;
    if (!log) {
      const stored: CacheEntry = { ...entry, parts: text };
      for (const b of blobs) await this.putBlob(b.hash, b.bytes);
      if (!this.codeStored.has(ref)) {
        const path = shard("code", ref, ".json");
        if (!(await this.backend.exists(path)))
          await this.backend.write(path, JSON.stringify(code));
        this.codeStored.add(ref);
      }
      await this.backend.write(shard("entries", entry.key, ".json"), JSON.stringify(stored));
      await this.setLastKey(entry.node, entry.key);
      return;
    }
    const items: LogItem[] = [];
    for (const b of blobs) {
      if (b.bytes.byteLength > INLINE_BLOB_MAX) await this.putBlob(b.hash, b.bytes);
      else if (!log.blobs.has(b.hash)) items.push({ kind: Kind.blob, id: b.hash, data: b.bytes });
    }
    if (!log.code.has(ref))
      items.push({ kind: Kind.code, id: ref, data: encoder.encode(JSON.stringify(code)) });
    // The parts apart from the entry: a hit parses only the entry, which is small.
    items.push({ kind: Kind.parts, id: entry.key, data: encoder.encode(text) });
    items.push({ kind: Kind.entry, id: entry.key, data: encoder.encode(JSON.stringify(entry)) });
    items.push({ kind: Kind.pointer, id: entry.node, data: encoder.encode(entry.key) });
    log.append(items);
  }

  /** The key parts of an entry, with the code fingerprint resolved. */
  async partsOf(entry: CacheEntry): Promise<KeyParts | undefined> {
    const text = this.log?.parts.get(entry.key) ?? entry.parts;
    const p = text === undefined ? undefined : (parseJson(text) as StoredParts | undefined);
    if (!p || typeof p.code !== "string") return undefined;
    const bytes =
      this.log?.code.get(p.code) ??
      (this.files ? await this.backend.read(shard("code", p.code, ".json")) : undefined);
    const code = bytes && (parseJson(bytes) as Omit<KeyParts["code"], "location"> | undefined);
    if (!code) return undefined;
    return { ...p, code: { ...code, location: p.location } };
  }

  async hasBlob(hash: string): Promise<boolean> {
    return this.log?.blobs.has(hash) === true || this.backend.exists(shard("blobs", hash));
  }

  /** Whether the blob is present and matches its hash; read-only (for `status`). */
  async intactBlob(hash: string): Promise<boolean> {
    const bytes = this.log?.blobs.get(hash) ?? (await this.backend.read(shard("blobs", hash)));
    return bytes !== undefined && (await hashBytes(bytes)) === hash;
  }

  /** The blob's bytes if present and intact; a corrupted blob is removed and reported missing. */
  async getBlob(hash: string): Promise<Uint8Array | undefined> {
    const logged = this.log?.blobs.get(hash);
    if (logged) {
      if ((await hashBytes(logged)) === hash) return logged;
      this.log!.blobs.delete(hash);
    }
    const path = shard("blobs", hash);
    const bytes = await this.backend.read(path);
    if (!bytes) return undefined;
    if ((await hashBytes(bytes)) !== hash) {
      await this.backend.remove(path);
      return undefined;
    }
    return bytes;
  }

  /** Stores a blob: small ones in the log (where there is one), others as files. */
  async putBlob(hash: string, bytes: Uint8Array): Promise<void> {
    if (this.log && bytes.byteLength <= INLINE_BLOB_MAX) {
      if (!this.log.blobs.has(hash)) this.log.append([{ kind: Kind.blob, id: hash, data: bytes }]);
      return;
    }
    const path = shard("blobs", hash);
    // Content-addressed: an existing blob already holds these bytes.
    if (await this.backend.exists(path)) return;
    await this.backend.write(path, bytes);
  }

  /** The last key node `node` ran or hit with. */
  async lastKey(node: string): Promise<string | undefined> {
    let key = this.log?.pointers.get(node);
    if (key === undefined && this.files) {
      const bytes = await this.backend.read(`nodes/${node}.key`);
      key = bytes && decoder.decode(bytes).trim();
    }
    return key && /^[0-9a-f]{64}$/.test(key) ? key : undefined;
  }

  setLastKey(node: string, key: string): Promise<void> {
    if (!this.log) return this.backend.write(`nodes/${node}.key`, key);
    this.log.append([{ kind: Kind.pointer, id: node, data: encoder.encode(key) }]);
    return Promise.resolve();
  }

  /**
   * Whether the store keeps an index in memory (a local folder): then pointers cost
   * nothing to read, and the previous run's record need not be read as a hint.
   */
  get indexed(): boolean {
    return this.log !== undefined;
  }

  /** The node's last key and what went into it: what `status` compares against. */
  async lastRun(node: string): Promise<{ key: string; parts: KeyParts } | undefined> {
    const key = await this.lastKey(node);
    const entry = key && (await this.getEntry(key));
    const parts = entry && (await this.partsOf(entry));
    return key && parts ? { key, parts } : undefined;
  }

  /** Ends this run's writes: seals its log, and compacts logs when enough piled up. */
  close(): void {
    this.log?.close();
  }
}

function asEntry(value: unknown, key: string): CacheEntry | undefined {
  const entry = value as CacheEntry | undefined;
  return entry?.v === 1 &&
    entry.key === key &&
    typeof entry.outputs === "object" &&
    entry.outputs !== null
    ? entry
    : undefined;
}

function parseJson(bytes: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof bytes === "string" ? bytes : decoder.decode(bytes));
  } catch {
    return undefined;
  }
}
