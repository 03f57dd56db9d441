import {
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { randomTag } from "./random-tag.ts";

// Unique per process (pid plus random, since pids are reused across machines sharing a
// store) and per call (a counter): cheaper than random bytes for every write, which a
// 10k-node run makes 30k of.
const TMP_PREFIX = `${process.pid}-${randomTag(8)}`;
let tmpCount = 0;
const tmpName = (path: string): string => `${path}.tmp-${TMP_PREFIX}${(tmpCount++).toString(16)}`;

/**
 * Writes a file so that readers see the old content or the new, never a torn mix: the
 * bytes go to a temp file next to the target (unique per process and call, so two runs
 * never share one), then a rename replaces the target in one step.
 *
 * @example
 * writeFileAtomic("/p/.pipewright/runs/x.json", JSON.stringify(record));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tmpName(path);
  inFolderOf(path, () => writeFileSync(tmp, data));
  try {
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * writeFileAtomic for a text made in parts (a large JSON document), each written as it
 * comes: the whole text is never held at once. A 100k-node run record is ~33 MB of JSON;
 * made as one string, and then one buffer, it cost five times as much per node as a 10k
 * one's (large-object allocations, and the old-generation collections they bring on).
 *
 * @example
 * writeFileAtomicParts("/p/.pipewright/runs/x.json", ["{\"nodes\":[", "1,2", "]}\n"]);
 */
export function writeFileAtomicParts(path: string, parts: Iterable<string>): void {
  const tmp = tmpName(path);
  let fd: number | undefined;
  try {
    inFolderOf(path, () => {
      fd = openSync(tmp, "w");
    });
    for (const part of parts) writeAll(fd!, Buffer.from(part, "utf8"));
    closeSync(fd!);
    fd = undefined;
    renameSync(tmp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

/**
 * Runs `write`, a write of a file at `path`; when the file's folder is missing, makes it and
 * runs `write` again. The folder usually exists, so it costs no mkdir per write.
 */
export function inFolderOf(path: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(dirname(path), { recursive: true });
    write();
  }
}
