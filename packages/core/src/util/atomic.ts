import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

// Unique per process (pid plus random, since pids are reused across machines sharing a
// store) and per call (a counter): cheaper than random bytes for every write, which a
// 10k-node run makes 30k of.
const TMP_PREFIX = `${process.pid}-${randomBytes(4).toString("hex")}`;
let tmpCount = 0;

/**
 * Writes a file so that readers see the old content or the new, never a torn mix: the
 * bytes go to a temp file next to the target (unique per process and call, so two runs
 * never share one), then a rename replaces the target in one step.
 *
 * @example
 * writeFileAtomic("/p/.pipewright/runs/x.json", JSON.stringify(record));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${TMP_PREFIX}${(tmpCount++).toString(16)}`;
  inFolderOf(path, () => writeFileSync(tmp, data));
  try {
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
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
