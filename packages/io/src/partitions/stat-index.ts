import {
  appendFileSync,
  type BigIntStats,
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  type Stats,
  statSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { nodeCrypto, writeFileAtomic } from "@pipewright/core";
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
 * The log is folded into a rewrite of the file once it would exceed this fraction of it:
 * a run that learns a few stats appends a few lines, one that learns most rewrites.
 */
const LOG_FRACTION = 0.25;
const NUMBERS = { throwIfNoEntry: false } as const;

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
 * The file is one header line (with a hash of the body: a torn or foreign file is ignored,
 * and a generation) and a line per partition; written atomically (temp file, then rename),
 * so a kill -9 leaves the old file or the new one. A run that learns or forgets a few stats
 * appends them instead to a log beside it, `<file>.<generation>.log`, a line each with its
 * own checksum (a torn line is skipped); a rewrite starts a new generation and removes the
 * older logs (a kill in between leaves an orphan that is never read). Two runs saving at
 * once: appends both land; of two rewrites the last one wins, and the other's new stats
 * are lost — a rehash next time, never a wrong hash (each line is a fact about one stat).
 */
export class StatIndex {
  /** Name -> "signature\thash". */
  private readonly known = new Map<string, string>();
  /** Lines to append to the log ("name\tsignature\thash", or "name" for a forget). */
  private changes: string[] = [];
  /** The generation of the file as read (undefined: none, or no log read), and its sizes. */
  private gen: string | undefined;
  private bodySize = 0;
  private logSize = 0;

  private constructor(
    /** The index file. */
    readonly file: string,
    /** The folder of partitions, absolute, ending with "/". */
    readonly dir: string,
    readonly suffix: string,
  ) {}

  /** The index of `dir` in `stateDir` (empty when absent, unreadable or not its own). */
  static open(stateDir: string, dir: string, suffix: string): StatIndex {
    const id = sha256Hex(`${dir}\0${suffix}`).slice(0, 32);
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
      head[2] !== sha256Hex(body)
    )
      return index;
    // Read in place (no array of 10,000 lines first).
    for (let at = 0; at < body.length; ) {
      let end = body.indexOf("\n", at);
      if (end < 0) end = body.length;
      const tab = body.indexOf("\t", at);
      if (tab > at && tab < end) index.known.set(body.slice(at, tab), body.slice(tab + 1, end));
      at = end + 1;
    }
    index.bodySize = body.length;
    // A file from before logs has no generation: it is rewritten at the first change.
    if (head[3] !== undefined && /^[0-9a-f]{16}$/.test(head[3])) {
      index.gen = head[3];
      index.readLog();
    }
    return index;
  }

  private logFile(gen: string): string {
    return `${this.file}.${gen}.log`;
  }

  /** Applies the intact lines of this generation's log, in order. */
  private readLog(): void {
    let text: string;
    try {
      text = readFileSync(this.logFile(this.gen!), "utf8");
    } catch {
      return;
    }
    this.logSize = text.length;
    let at = 0;
    for (;;) {
      const end = text.indexOf("\n", at);
      if (end < 0) break; // a torn tail
      const line = text.slice(at, end);
      at = end + 1;
      const space = line.indexOf(" ");
      const rest = line.slice(space + 1);
      if (space < 0 || line.slice(0, space) !== lineSum(rest)) continue;
      const tab = rest.indexOf("\t");
      if (tab < 0) this.known.delete(rest);
      else if (tab > 0) this.known.set(rest.slice(0, tab), rest.slice(tab + 1));
    }
  }

  /** The path of partition `name`. */
  path(name: string): string {
    return `${this.dir}${name}${this.suffix}`;
  }

  /**
   * The hash of `name`'s bytes when its stat still matches the remembered one; else
   * undefined. The stat is taken with numbers, not bigints (a bigint stat allocates some
   * twenty objects, and at 10,000 partitions their garbage cost more than the stats): see
   * sameStat for why that comparison is as good as one in nanoseconds.
   */
  lookup(name: string): string | undefined {
    const rec = this.known.get(name);
    if (rec === undefined) return undefined;
    let st: Stats | undefined;
    try {
      st = statSync(this.dir + name + this.suffix, NUMBERS);
    } catch {
      return undefined;
    }
    if (!st || !sameStat(rec, st)) return undefined;
    return rec.slice(rec.lastIndexOf("\t") + 1);
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
  keepOnly(names: { has(name: string): boolean }): void {
    for (const name of this.known.keys()) if (!names.has(name)) this.forget(name);
  }

  /**
   * Writes what changed: appended to the log while it stays small, else the whole index
   * under a new generation. A folder that cannot be written only loses the speed-up.
   */
  save(): void {
    if (this.changes.length === 0) return;
    try {
      if (this.gen !== undefined) {
        let lines = "";
        for (const c of this.changes) lines += `${lineSum(c)} ${c}\n`;
        if (this.logSize + lines.length <= this.bodySize * LOG_FRACTION) {
          appendFileSync(this.logFile(this.gen), lines);
          this.logSize += lines.length;
          this.changes = [];
          return;
        }
      }
      let body = "";
      for (const [name, rec] of this.known) body += `${name}\t${rec}\n`;
      const gen = nodeCrypto().randomBytes(8).toString("hex");
      const head = `${HEADER}\t${JSON.stringify([this.dir, this.suffix])}\t${sha256Hex(body)}\t${gen}\n`;
      writeFileAtomic(this.file, head + body);
      this.changes = [];
      this.gen = gen;
      this.bodySize = body.length;
      this.logSize = 0;
      this.removeLogs();
    } catch {
      // Not writable: the next run stats and hashes again.
    }
  }

  /** Removes the logs of other generations (folded into the file, or orphans). */
  private removeLogs(): void {
    const dir = dirname(this.file);
    const base = this.file.slice(dir.length + 1);
    for (const f of readdirSync(dir)) {
      if (f.startsWith(`${base}.`) && f.endsWith(".log") && f !== `${base}.${this.gen}.log`)
        rmSync(join(dir, f), { force: true });
    }
  }

  private remember(name: string, rec: string): void {
    if (this.known.get(name) === rec) return;
    this.known.set(name, rec);
    this.changes.push(`${name}\t${rec}`);
  }

  private forget(name: string): void {
    if (this.known.delete(name)) this.changes.push(name);
  }
}

/**
 * Whether a remembered signature (`size:mtimeNs:ctimeNs:ino\t...`, see signature) is the
 * one of `st`, a stat in numbers: size and inode compared as numbers, and each time as the
 * milliseconds Node derives from the same seconds and nanoseconds (sec * 1e3 + nsec / 1e6,
 * so equal times give equal doubles; a Node that computed them otherwise would only miss).
 * A double of milliseconds since 1970 resolves about 0.25 µs, not 1 ns, and that loses
 * nothing here: a remembered stat vouches only for a file last changed ≥ 2 s before it was
 * taken (see vouches), so any later write sets a ctime at least that much later — and no
 * one can set ctime back.
 */
export function sameStat(rec: string, st: Stats): boolean {
  // Read in place (no slices: at 10,000 partitions their garbage shows).
  const a = rec.indexOf(":");
  const b = rec.indexOf(":", a + 1);
  const c = rec.indexOf(":", b + 1);
  const t = rec.indexOf("\t", c + 1);
  if (a < 0 || b < 0 || c < 0 || t < 0) return false;
  return (
    digits(rec, 0, a) === st.size &&
    msOf(rec, a + 1, b) === st.mtimeMs &&
    msOf(rec, b + 1, c) === st.ctimeMs &&
    digits(rec, c + 1, t) === st.ino
  );
}

/**
 * The number that the decimal digits s[from, to) write, exact below 2^53 (sizes, times in
 * seconds or nanoseconds within a second); NaN (never equal) when empty or not digits.
 * Beyond 2^53 (a huge inode) it may differ from Node's rounding: a miss, never a match
 * that should not be, since the size and both times must match too.
 */
function digits(s: string, from: number, to: number): number {
  if (from >= to) return Number.NaN;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Nanoseconds since 1970 (the digits s[from, to)) as Node's stat gives them in milliseconds. */
function msOf(s: string, from: number, to: number): number {
  const split = Math.max(from, to - 9);
  const sec = split > from ? digits(s, from, split) : 0;
  return sec * 1e3 + digits(s, split, to) / 1e6;
}

/** A log line's checksum: the first 16 hex digits of the sha256 of the rest of the line. */
function lineSum(rest: string): string {
  return sha256Hex(rest).slice(0, 16);
}

/**
 * sha256 in hex, straight from node:crypto: not core's sha256, whose memo is for the texts
 * a command hashes every time, not one line per partition.
 */
function sha256Hex(text: string): string {
  return nodeCrypto().hash("sha256", text, "hex");
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
