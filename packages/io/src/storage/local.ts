import { closeSync, openSync, readSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCode, randomTag } from "@pipewright/core";
import { StorageError } from "../errors.ts";
import { fsp } from "../fs-promises.ts";
import { hashFile } from "../hash.ts";
import { notFound, type Storage } from "./storage.ts";
import { LocationProblem, parseLocation, resolveInside } from "./uri.ts";

/** Files up to this size are read synchronously (see read()). */
const SMALL = 64 * 1024;
const scratch = Buffer.allocUnsafe(SMALL);

/** Temp files are hidden siblings of their target; list() skips them. */
const TEMP = /^\.pw-tmp-/;

/**
 * Local files. Relative paths resolve against the project root and may not leave it;
 * file:///absolute URIs (and absolute paths) are taken as given.
 */
export class LocalStorage implements Storage {
  constructor(readonly root: string) {}

  /** The absolute path of a location. */
  pathOf(uri: string): string {
    try {
      const loc = parseLocation(uri);
      if (loc.scheme === "s3")
        throw new LocationProblem(ErrorCode.BAD_URI, `"${uri}" is not a local path`);
      return loc.scheme === "file" ? loc.path : resolveInside(this.root, loc.path);
    } catch (e) {
      if (e instanceof LocationProblem) throw new StorageError(e.code, uri, e.message);
      throw e;
    }
  }

  async read(uri: string): Promise<Uint8Array> {
    try {
      const path = this.pathOf(uri);
      // A small file (a partition of a 10,000-partition dataset, say) is read in one
      // synchronous call: open, fstat, read and close through the thread pool cost several
      // times the read itself. A bigger one is read asynchronously, not blocking the loop.
      const fd = openSync(path, "r");
      try {
        const n = readSync(fd, scratch, 0, SMALL, 0);
        // A copy with a buffer of its own: a pooled Buffer's ArrayBuffer holds other data,
        // and readers that take `.buffer` (parquet) would see it.
        if (n < SMALL) return new Uint8Array(scratch.subarray(0, n));
      } finally {
        closeSync(fd);
      }
      return await fsp().readFile(path);
    } catch (e) {
      throw this.failure(e, uri, "read");
    }
  }

  async write(uri: string, data: Uint8Array): Promise<void> {
    const target = this.pathOf(uri);
    const dir = dirname(target);
    // Same directory as the target, so rename() is atomic (no cross-device move).
    const temp = join(dir, `.pw-tmp-${basename(target)}.${process.pid}.${randomTag(12)}`);
    try {
      await fsp().mkdir(dir, { recursive: true });
      const fh = await fsp().open(temp, "wx");
      try {
        await fh.writeFile(data);
        // Flush before the rename, so a crash never leaves the new name on empty blocks.
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await fsp().rename(temp, target);
    } catch (e) {
      await fsp()
        .unlink(temp)
        .catch(() => {});
      throw this.failure(e, uri, "write");
    }
  }

  async exists(uri: string): Promise<boolean> {
    try {
      return (await fsp().stat(this.pathOf(uri))).isFile();
    } catch (e) {
      if (
        (e as NodeJS.ErrnoException).code === "ENOENT" ||
        (e as NodeJS.ErrnoException).code === "ENOTDIR"
      )
        return false;
      throw this.failure(e, uri, "stat");
    }
  }

  async remove(uri: string): Promise<void> {
    try {
      await fsp().rm(this.pathOf(uri), { force: true });
    } catch (e) {
      throw this.failure(e, uri, "remove");
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.pathOf(prefix);
    // A prefix is either a directory ("data/out/") or the start of names ("data/out/part-").
    const rootAbs = resolve(this.root);
    const dir = prefix.endsWith("/") || base === rootAbs ? base : dirname(base);
    const files: string[] = [];
    await walk(dir, files);
    // Answer in the form asked: file URIs, absolute paths, or project-relative paths.
    const form = prefix.startsWith("file:")
      ? (f: string) => pathToFileURL(f).href
      : isAbsolute(prefix)
        ? (f: string) => f
        : (f: string) => toPosix(relative(rootAbs, f));
    return files
      .filter((f) => f.startsWith(base))
      .map(form)
      .sort();
  }

  async hash(uri: string): Promise<string | undefined> {
    try {
      return await hashFile(this.pathOf(uri));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw this.failure(e, uri, "hash");
    }
  }

  private failure(e: unknown, uri: string, op: string): unknown {
    if (e instanceof StorageError) return e;
    const code = (e as NodeJS.ErrnoException).code;
    if (op === "read" && (code === "ENOENT" || code === "ENOTDIR")) return notFound(uri);
    const hint =
      code === "EACCES" || code === "EPERM"
        ? " Check the file's permissions."
        : code === "EISDIR"
          ? " The path is a directory; point the entry at a file."
          : "";
    return new StorageError(
      ErrorCode.STORAGE_ERROR,
      uri,
      `cannot ${op} ${uri}: ${(e as Error).message}.${hint}`,
      { cause: e },
    );
  }
}

async function walk(dir: string, out: string[]): Promise<void> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await fsp().readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (
      (e as NodeJS.ErrnoException).code === "ENOENT" ||
      (e as NodeJS.ErrnoException).code === "ENOTDIR"
    )
      return;
    throw e;
  }
  for (const entry of entries) {
    if (TEMP.test(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, out);
    else if (entry.isFile()) out.push(full);
  }
}

function toPosix(p: string): string {
  return p.split(sep).join("/");
}
