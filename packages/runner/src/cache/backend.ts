import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "@pipewright/core";
import { openStorage, type Storage, type StorageOptions } from "@pipewright/io";
import { stateDir } from "../state.ts";
import { CacheLog } from "./log.ts";

/**
 * Where the cache store keeps its files: a local folder, or any URI @pipewright/io can
 * open (s3:// for a cache shared by every task of a cluster). Paths are "/"-separated and
 * relative to the store's root.
 */
export interface CacheBackend {
  /** The file's bytes, or undefined when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Atomic: readers see the old file or the new one, never a torn one. */
  write(path: string, data: Uint8Array | string): Promise<void>;
  exists(path: string): Promise<boolean>;
  remove(path: string): Promise<void>;
  /**
   * The store's append-only index, where the backend can append to files (a local
   * folder). Without it (S3 cannot append), the store keeps one file per item.
   */
  openLog?(): CacheLog;
  /** Where the store lives, for messages. */
  readonly location: string;
}

const scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * A local folder. Uses synchronous fs calls on purpose: the reads left (blob files, an
 * older store's entries) are small and many, and going through the libuv thread pool for
 * each one costs more than the read itself.
 */
class LocalBackend implements CacheBackend {
  constructor(readonly location: string) {}

  async read(path: string): Promise<Uint8Array | undefined> {
    const file = join(this.location, path);
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    try {
      // Entries and pointers are small: one read into a reused buffer, no fstat.
      const n = readSync(fd, scratch, 0, scratch.length, 0);
      if (n < scratch.length) return Buffer.from(scratch.subarray(0, n));
    } finally {
      closeSync(fd);
    }
    return readFileSync(file);
  }

  async write(path: string, data: Uint8Array | string): Promise<void> {
    writeFileAtomic(join(this.location, path), data);
  }

  async exists(path: string): Promise<boolean> {
    return existsSync(join(this.location, path));
  }

  async remove(path: string): Promise<void> {
    rmSync(join(this.location, path), { force: true });
  }

  openLog(): CacheLog {
    return new CacheLog(this.location);
  }
}

/** Any other URI, through @pipewright/io's storage (atomic writes are its contract). */
class StorageBackend implements CacheBackend {
  private readonly storage: Storage;
  constructor(
    readonly location: string,
    options: StorageOptions,
  ) {
    this.storage = openStorage(location, options);
  }

  private uri(path: string): string {
    return `${this.location.replace(/\/+$/, "")}/${path}`;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    const uri = this.uri(path);
    if (!(await this.storage.exists(uri))) return undefined;
    try {
      return await this.storage.read(uri);
    } catch (error) {
      // Removed between the two calls (another run cleaning up): a miss, not a failure.
      if (!(await this.storage.exists(uri))) return undefined;
      throw error;
    }
  }

  async write(path: string, data: Uint8Array | string): Promise<void> {
    await this.storage.write(
      this.uri(path),
      typeof data === "string" ? new TextEncoder().encode(data) : data,
    );
  }

  exists(path: string): Promise<boolean> {
    return this.storage.exists(this.uri(path));
  }

  remove(path: string): Promise<void> {
    return this.storage.remove(this.uri(path));
  }
}

/** The default cache store of a project: `cache/` in its state dir (`<root>/.pipewright/cache`, see stateDir). */
export const defaultCacheDir = (root: string): string => join(stateDir(root), "cache");

/** The backend for a cache location: a path (relative to root), file:// URI, or another URI. */
export function openCacheBackend(
  cacheDir: string,
  root: string,
  options: Omit<StorageOptions, "root"> = {},
): CacheBackend {
  if (cacheDir.startsWith("file://")) return new LocalBackend(fileURLToPath(cacheDir));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(cacheDir))
    return new StorageBackend(cacheDir, { ...options, root });
  return new LocalBackend(isAbsolute(cacheDir) ? cacheDir : resolve(root, cacheDir));
}
