import { canonicalJson, sha256 } from "@pipewright/core";
import { hashBytes } from "@pipewright/io";
import type { CacheBackend } from "./backend.ts";
import type { KeyParts } from "./key.ts";

/** KeyParts as stored: the code fingerprint, shared by many nodes, by reference. */
export type StoredParts = Omit<KeyParts, "code"> & { code: string; location: string | null };

/** What the store remembers for one full key. */
export interface CacheEntry {
  v: 1;
  key: string;
  node: string;
  createdAt: string;
  /** Dataset id -> content hash and size of the bytes the node wrote; the bytes are blobs. */
  outputs: Record<string, { hash: string; size: number }>;
  /** Metrics dataset id -> value, so a cached node still reports its metrics. */
  metrics?: Record<string, unknown>;
  /**
   * What went into the key (StoredParts as JSON text), so `status` can say what changed
   * since. Kept as text so the hit path, which never needs it, does not parse it.
   */
  parts: string;
}

const decoder = new TextDecoder();

function shard(kind: string, name: string, ext = ""): string {
  return `${kind}/${name.slice(0, 2)}/${name}${ext}`;
}

/**
 * The content-addressed cache store (docs/caching.md):
 *
 *     blobs/<hh>/<content hash>     output bytes, verified against their name on read
 *     entries/<kk>/<full key>.json  CacheEntry: the outputs a key produced, and its parts
 *     code/<cc>/<ref>.json          a code fingerprint (files, packages) shared by entries
 *     nodes/<node id>.key           the last key each node ran or hit with
 *
 * Blobs and code go in before the entry that names them, the entry before the node's
 * pointer, and every write is atomic: a run killed at any point leaves no entry or a
 * complete one.
 */
export class CacheStore {
  /** Code fingerprints known to be stored, so each is checked once per run. */
  private readonly codeStored = new Set<string>();

  constructor(readonly backend: CacheBackend) {}

  async getEntry(key: string): Promise<CacheEntry | undefined> {
    const path = shard("entries", key, ".json");
    const bytes = await this.backend.read(path);
    if (!bytes) return undefined;
    const entry = parseJson(bytes) as CacheEntry | undefined;
    if (
      entry?.v !== 1 ||
      entry.key !== key ||
      typeof entry.outputs !== "object" ||
      entry.outputs === null
    ) {
      // Unreadable (a disk fault, a hand edit): drop it and recompute.
      await this.backend.remove(path);
      return undefined;
    }
    return entry;
  }

  /** Stores an entry and the code fingerprint it refers to (first). */
  async putEntry(entry: Omit<CacheEntry, "parts">, parts: KeyParts): Promise<void> {
    const { location, ...code } = parts.code;
    const ref = sha256(canonicalJson(code));
    if (!this.codeStored.has(ref)) {
      const path = shard("code", ref, ".json");
      if (!(await this.backend.exists(path))) await this.backend.write(path, JSON.stringify(code));
      this.codeStored.add(ref);
    }
    const stored: CacheEntry = {
      ...entry,
      parts: JSON.stringify({ ...parts, code: ref, location } satisfies StoredParts),
    };
    await this.backend.write(shard("entries", entry.key, ".json"), JSON.stringify(stored));
  }

  /** The key parts of an entry, with the code fingerprint resolved. */
  async partsOf(entry: CacheEntry): Promise<KeyParts | undefined> {
    const p =
      typeof entry.parts === "string"
        ? (parseJson(entry.parts) as StoredParts | undefined)
        : undefined;
    if (!p || typeof p.code !== "string") return undefined;
    const bytes = await this.backend.read(shard("code", p.code, ".json"));
    const code = bytes && (parseJson(bytes) as Omit<KeyParts["code"], "location"> | undefined);
    if (!code) return undefined;
    return { ...p, code: { ...code, location: p.location } };
  }

  hasBlob(hash: string): Promise<boolean> {
    return this.backend.exists(shard("blobs", hash));
  }

  /** Whether the blob is present and matches its hash; read-only (for `status`). */
  async intactBlob(hash: string): Promise<boolean> {
    const bytes = await this.backend.read(shard("blobs", hash));
    return bytes !== undefined && (await hashBytes(bytes)) === hash;
  }

  /** The blob's bytes if present and intact; a corrupted blob is removed and reported missing. */
  async getBlob(hash: string): Promise<Uint8Array | undefined> {
    const path = shard("blobs", hash);
    const bytes = await this.backend.read(path);
    if (!bytes) return undefined;
    if ((await hashBytes(bytes)) !== hash) {
      await this.backend.remove(path);
      return undefined;
    }
    return bytes;
  }

  async putBlob(hash: string, bytes: Uint8Array): Promise<void> {
    const path = shard("blobs", hash);
    // Content-addressed: an existing blob already holds these bytes.
    if (await this.backend.exists(path)) return;
    await this.backend.write(path, bytes);
  }

  /** The last key node `node` ran or hit with. */
  async lastKey(node: string): Promise<string | undefined> {
    const bytes = await this.backend.read(`nodes/${node}.key`);
    const key = bytes && decoder.decode(bytes).trim();
    return key && /^[0-9a-f]{64}$/.test(key) ? key : undefined;
  }

  setLastKey(node: string, key: string): Promise<void> {
    return this.backend.write(`nodes/${node}.key`, key);
  }

  /** The node's last key and what went into it: what `status` compares against. */
  async lastRun(node: string): Promise<{ key: string; parts: KeyParts } | undefined> {
    const key = await this.lastKey(node);
    const entry = key && (await this.getEntry(key));
    const parts = entry && (await this.partsOf(entry));
    return key && parts ? { key, parts } : undefined;
  }
}

function parseJson(bytes: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof bytes === "string" ? bytes : decoder.decode(bytes));
  } catch {
    return undefined;
  }
}
