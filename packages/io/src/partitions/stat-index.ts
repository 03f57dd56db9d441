import { createHash } from "node:crypto";
import {
  type BigIntStats,
  closeSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "@pipewright/core";
import { hashBytes } from "../hash.ts";

/**
 * How much older than the moment it was stat'ed a file must be for its stat to vouch for
 * its bytes (git's racy-clean rule). A write in the same timestamp granule as the one we
 * saw leaves mtime (and size) unchanged; a write after the stat lands at least this much
 * later, so it shows. 2 s covers 1–2 s granules (FAT, HFS+, some network file systems),
 * the kernel's coarse clock, and is what the compiler's module stamps use.
 */
export const RACY_MARGIN_MS = 2000;

const HEADER = "pipewright-partition-stats 1";

/**
 * The wall clock a stat's age is judged by. A test seam: a test that cannot wait seconds
 * for its files to age moves it forward (and must then let the file system's clock tick
 * between a run and the next edit, as real time would).
 */
export const statClock = { now: (): number => Date.now() };

/**
 * The stat signature of a file: size, mtime and ctime in nanoseconds, inode. ctime and the
 * inode change on every write and rename-into-place and cannot be set by `touch -d`, so a
 * file whose mtime was put back (a restore, `cp -p` of other bytes) still shows as changed.
 */
export function signature(st: BigIntStats): string {
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
}

/**
 * Whether a stat taken at `takenAtMs` (wall clock, read before the stat) can stand for the
 * bytes read right after it: only when the file's last change (mtime or ctime) is at least
 * RACY_MARGIN_MS older. Otherwise the file is "racily clean" — a second write in the same
 * granule could keep its stat — and it must be hashed again next time.
 */
export function vouches(st: BigIntStats, takenAtMs: number): boolean {
  // biome-ignore lint/complexity/useMathMinMax: bigints (Math.max takes numbers)
  const changed = st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs;
  return (
    BigInt(Math.floor(takenAtMs)) * 1_000_000n - changed >= BigInt(RACY_MARGIN_MS) * 1_000_000n
  );
}

/**
 * Remembered content hashes of the files of one local folder of partitions, by name, each
 * with the stat signature it was read under: a file whose stat still matches is not read
 * again. Only stats that vouch (see vouches) are kept, so a hit is as good as a hash of
 * the bytes. Kept in the state folder, not the cache store: stats mean something only on
 * the machine whose file system took them.
 *
 * The file is one header line (with a hash of the body: a torn or foreign file is ignored)
 * and a line per partition; written atomically (temp file, then rename), so a kill -9 leaves
 * the old file or the new one. Two runs saving at once: the last one wins, and the other's
 * new stats are lost — a rehash next time, never a wrong hash (each line is a fact about
 * one stat).
 */
export class StatIndex {
  /** Name -> "signature\thash". */
  private readonly known = new Map<string, string>();
  private dirty = false;

  private constructor(
    /** The index file. */
    readonly file: string,
    /** The folder of partitions, absolute, ending with "/". */
    readonly dir: string,
    readonly suffix: string,
  ) {}

  /** The index of `dir` in `stateDir` (empty when absent, unreadable or not its own). */
  static open(stateDir: string, dir: string, suffix: string): StatIndex {
    const id = createHash("sha256").update(`${dir}\0${suffix}`).digest("hex").slice(0, 32);
    const index = new StatIndex(join(stateDir, `${id}.tsv`), dir, suffix);
    let text: string;
    try {
      text = readFileSync(index.file, "utf8");
    } catch {
      return index;
    }
    const nl = text.indexOf("\n");
    const head = text.slice(0, nl).split("\t");
    const body = text.slice(nl + 1);
    if (
      nl < 0 ||
      head[0] !== HEADER ||
      head[1] !== JSON.stringify([dir, suffix]) ||
      head[2] !== createHash("sha256").update(body).digest("hex")
    )
      return index;
    for (const line of body.split("\n")) {
      const tab = line.indexOf("\t");
      if (tab > 0) index.known.set(line.slice(0, tab), line.slice(tab + 1));
    }
    return index;
  }

  /** The path of partition `name`. */
  path(name: string): string {
    return `${this.dir}${name}${this.suffix}`;
  }

  /** The hash of `name`'s bytes when its stat still matches the remembered one; else undefined. */
  lookup(name: string): string | undefined {
    const rec = this.known.get(name);
    if (rec === undefined) return undefined;
    let st: BigIntStats | undefined;
    try {
      st = statSync(this.path(name), { bigint: true, throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    if (!st) return undefined;
    const tab = rec.lastIndexOf("\t");
    return rec.slice(0, tab) === signature(st) ? rec.slice(tab + 1) : undefined;
  }

  /**
   * Reads `name` (stat first, then the bytes, from one open file), hashes the bytes and
   * remembers the stat when it vouches for them. Throws the file system's error (ENOENT...).
   */
  async read(name: string): Promise<{ bytes: Uint8Array; hash: string }> {
    const takenAt = statClock.now();
    const fd = openSync(this.path(name), "r");
    let st: BigIntStats;
    let bytes: Uint8Array;
    try {
      st = fstatSync(fd, { bigint: true });
      bytes = readAll(fd, Number(st.size));
    } finally {
      closeSync(fd);
    }
    const hash = await hashBytes(bytes);
    // The size read must be the size stat'ed: a file growing meanwhile is not vouched for.
    if (bytes.byteLength === Number(st.size) && vouches(st, takenAt))
      this.remember(name, `${signature(st)}\t${hash}`);
    else this.forget(name);
    return { bytes, hash };
  }

  /** Forgets partitions not in `names` (removed from the folder). */
  keepOnly(names: ReadonlySet<string>): void {
    for (const name of this.known.keys()) if (!names.has(name)) this.forget(name);
  }

  /** Writes the index if anything changed; a folder that cannot be written only loses the speed-up. */
  save(): void {
    if (!this.dirty) return;
    let body = "";
    for (const [name, rec] of this.known) body += `${name}\t${rec}\n`;
    const head = `${HEADER}\t${JSON.stringify([this.dir, this.suffix])}\t${createHash("sha256").update(body).digest("hex")}\n`;
    try {
      writeFileAtomic(this.file, head + body);
      this.dirty = false;
    } catch {
      // Not writable: the next run stats and hashes again.
    }
  }

  private remember(name: string, rec: string): void {
    if (this.known.get(name) === rec) return;
    this.known.set(name, rec);
    this.dirty = true;
  }

  private forget(name: string): void {
    if (this.known.delete(name)) this.dirty = true;
  }
}

/**
 * The `size` bytes fstat reported, in a buffer of their own (parquet reads `.buffer`). Fewer
 * when the file shrank meanwhile: then the caller does not vouch for the stat.
 */
function readAll(fd: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let total = 0;
  while (total < size) {
    const n = readSync(fd, out, total, size - total, total);
    if (n === 0) return out.slice(0, total);
    total += n;
  }
  return out;
}
