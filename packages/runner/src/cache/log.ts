import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { randomTag, writeFileAtomic } from "@pipewright/core";
import { crc32 } from "./crc32.ts";

/** What a log item holds (its first byte). */
export const Kind = {
  entry: 0x65, // "e": id = full key, data = CacheEntry JSON (without its parts)
  parts: 0x6b, // "k": id = full key, data = what went into it (StoredParts JSON)
  pointer: 0x70, // "p": id = node id, data = the key it last ran or hit with
  blob: 0x62, // "b": id = content hash, data = the bytes (small blobs only)
  code: 0x63, // "c": id = fingerprint ref, data = its JSON
  seal: 0x7a, // "z": the writer closed its log; nothing follows
  header: 0x68, // "h": first item of a snapshot: which logs (up to which byte) it holds
} as const;

export interface LogItem {
  kind: number;
  id: string;
  data: Uint8Array;
}

/** Frame header: payload length and crc32 of the payload, both u32 little-endian. */
const HEAD = 8;
/** Item header: kind (u8), id length (u16), data length (u32). */
const ITEM = 7;

/**
 * One frame: the items of one commit (a node's blobs, entry and pointer), written with a
 * single append, so a reader sees all of them or none.
 */
export function frame(items: readonly LogItem[]): Buffer {
  const ids = items.map((i) => Buffer.from(i.id));
  let size = HEAD;
  for (let k = 0; k < items.length; k++) size += ITEM + ids[k]!.length + items[k]!.data.byteLength;
  const buf = Buffer.allocUnsafe(size);
  let o = HEAD;
  for (let k = 0; k < items.length; k++) {
    const { kind, data } = items[k]!;
    const id = ids[k]!;
    buf[o] = kind;
    buf.writeUInt16LE(id.length, o + 1);
    buf.writeUInt32LE(data.byteLength, o + 3);
    o += ITEM;
    o += id.copy(buf, o);
    buf.set(data, o);
    o += data.byteLength;
  }
  buf.writeUInt32LE(size - HEAD, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEAD)), 4);
  return buf;
}

/**
 * Calls `onItem` for each item of each intact frame, in order, and returns the offset
 * after the last intact one. A torn frame (a write cut short by a kill) or a corrupt one
 * (wrong length or checksum) ends the log there: nothing after it is trusted.
 */
export function scan(
  buf: Buffer,
  onItem: (kind: number, id: string, data: Buffer) => void,
  start = 0,
): number {
  let o = start;
  while (o + HEAD <= buf.length) {
    const end = o + HEAD + buf.readUInt32LE(o);
    if (end === o + HEAD || end > buf.length) break;
    if (crc32(buf.subarray(o + HEAD, end)) !== buf.readUInt32LE(o + 4)) break;
    const items: [number, string, Buffer][] = [];
    let p = o + HEAD;
    while (p + ITEM <= end) {
      const idEnd = p + ITEM + buf.readUInt16LE(p + 1);
      const dataEnd = idEnd + buf.readUInt32LE(p + 3);
      if (dataEnd > end) break;
      items.push([buf[p]!, buf.toString("utf8", p + ITEM, idEnd), buf.subarray(idEnd, dataEnd)]);
      p = dataEnd;
    }
    // A frame whose checksum holds but whose items do not fill it exactly is not ours.
    if (p !== end) break;
    for (const [kind, id, data] of items) onItem(kind, id, data);
    o = end;
  }
  return o;
}

/** Logs this many (not yet in the snapshot) make the next closing writer compact them. */
const COMPACT_AFTER = 8;
/** An unsealed log untouched this long belongs to a run that died: it may be deleted once compacted. */
const DEAD_AFTER_MS = 24 * 60 * 60 * 1000;
/** Snapshot frames are cut at about this size, so no single frame is huge. */
const SNAPSHOT_FRAME = 1 << 20;

const SNAPSHOT = "snapshot.log";
let logCount = 0;
const LOGS = "log";

/**
 * The cache store's index in a local folder (docs/caching.md): each writer appends to a
 * log of its own (`log/<time>-<count>-<pid>-<random>.log`, so two runs never append to one file),
 * and a snapshot (`snapshot.log`) holds what earlier logs said. Opening reads the snapshot
 * and then every log from where the snapshot left off, into memory; lookups are then map
 * reads. Records are items in framed, checksummed frames; a torn tail is ignored.
 *
 * Later items win: a log's pointer replaces the snapshot's; among logs, the newer name.
 */
export class CacheLog {
  readonly entries = new Map<string, Buffer>();
  readonly parts = new Map<string, Buffer>();
  readonly pointers = new Map<string, string>();
  readonly blobs = new Map<string, Buffer>();
  readonly code = new Map<string, Buffer>();
  /** Log name -> bytes of it now known (intact frames), and whether its writer sealed it. */
  private readonly logs = new Map<string, { size: number; sealed: boolean; inSnapshot: number }>();
  /** Whether the folder also holds the one-file-per-item layout of earlier versions (read as a fallback). */
  readonly olderLayout: boolean;
  private fd: number | undefined;
  private own: string | undefined;

  constructor(readonly dir: string) {
    this.olderLayout = existsSync(join(dir, "entries"));
    const consumed = new Map<string, number>();
    const snapshot = readOrUndefined(join(dir, SNAPSHOT));
    if (snapshot) {
      scan(snapshot, (kind, id, data) => {
        if (kind !== Kind.header) return this.apply(kind, id, data);
        for (const [name, size] of Object.entries(parseHeader(data))) consumed.set(name, size);
      });
    }
    for (const name of listLogs(dir)) {
      const from = consumed.get(name) ?? 0;
      const rest = readFrom(join(dir, LOGS, name), from);
      if (rest === undefined) continue;
      let sealed = false;
      const read = scan(rest, (kind, id, data) => {
        if (kind === Kind.seal) sealed = true;
        else this.apply(kind, id, data);
      });
      this.logs.set(name, { size: from + read, sealed, inSnapshot: from });
    }
  }

  private apply(kind: number, id: string, data: Buffer): void {
    if (kind === Kind.entry) this.entries.set(id, data);
    else if (kind === Kind.parts) this.parts.set(id, data);
    else if (kind === Kind.pointer) this.pointers.set(id, data.toString("latin1"));
    else if (kind === Kind.blob) this.blobs.set(id, data);
    else if (kind === Kind.code) this.code.set(id, data);
  }

  /** Appends one frame to this writer's log (created on first use) and applies its items. */
  append(items: readonly LogItem[]): void {
    if (items.length === 0) return;
    const buf = frame(items);
    if (this.fd === undefined) {
      mkdirSync(join(this.dir, LOGS), { recursive: true });
      // Names sort by creation (time, then this process's count), which orders pointers.
      const stamp = Date.now().toString(36).padStart(9, "0");
      const count = (logCount++).toString(36).padStart(4, "0");
      this.own = `${stamp}-${count}-${process.pid}-${randomTag(8)}.log`;
      this.fd = openSync(join(this.dir, LOGS, this.own), "a");
      this.logs.set(this.own, { size: 0, sealed: false, inSnapshot: 0 });
    }
    // O_APPEND and one writer per file: the frame lands whole after the previous one, or
    // (killed mid-write) as a torn tail that readers ignore.
    for (let o = 0; o < buf.length; ) o += writeSync(this.fd, buf, o);
    this.logs.get(this.own!)!.size += buf.length;
    for (const item of items) this.apply(item.kind, item.id, Buffer.from(item.data));
  }

  /** Seals this writer's log, and compacts the logs into a new snapshot when enough piled up. */
  close(): void {
    if (this.fd !== undefined) {
      this.append([{ kind: Kind.seal, id: "", data: new Uint8Array() }]);
      closeSync(this.fd);
      this.fd = undefined;
      this.logs.get(this.own!)!.sealed = true;
    }
    let pending = 0;
    for (const log of this.logs.values()) if (log.size > log.inSnapshot) pending++;
    if (pending >= COMPACT_AFTER) this.compact();
  }

  /**
   * Writes everything known into a new snapshot (atomically), then deletes the logs it
   * holds whole whose writers are done. Two compacting at once: the last rename wins, and
   * each deletes only what the snapshot now on disk says it holds, so at worst a log
   * written meanwhile is lost to later readers (misses, never a wrong hit).
   */
  compact(): void {
    const header = Object.fromEntries([...this.logs].map(([name, l]) => [name, l.size]));
    const frames: Buffer[] = [];
    let items: LogItem[] = [
      { kind: Kind.header, id: "", data: Buffer.from(JSON.stringify({ logs: header })) },
    ];
    let size = 0;
    const add = (kind: number, map: Map<string, Uint8Array | string>) => {
      for (const [id, value] of map) {
        const data = typeof value === "string" ? Buffer.from(value, "latin1") : value;
        items.push({ kind, id, data });
        size += data.byteLength + id.length;
        if (size >= SNAPSHOT_FRAME) {
          frames.push(frame(items));
          items = [];
          size = 0;
        }
      }
    };
    add(Kind.code, this.code);
    add(Kind.blob, this.blobs);
    add(Kind.parts, this.parts);
    add(Kind.entry, this.entries);
    add(Kind.pointer, this.pointers);
    if (items.length > 0) frames.push(frame(items));
    writeFileAtomic(join(this.dir, SNAPSHOT), Buffer.concat(frames));

    const onDisk = readOrUndefined(join(this.dir, SNAPSHOT));
    let held: Record<string, number> = {};
    if (onDisk)
      scan(onDisk.subarray(0, HEAD + onDisk.readUInt32LE(0)), (kind, _id, data) => {
        if (kind === Kind.header) held = parseHeader(data);
      });
    for (const [name, log] of this.logs) {
      if (held[name] !== log.size) continue;
      const path = join(this.dir, LOGS, name);
      if (log.sealed || isStale(path)) rmSync(path, { force: true });
    }
  }
}

function parseHeader(data: Buffer): Record<string, number> {
  try {
    const logs = (JSON.parse(data.toString("utf8")) as { logs?: unknown }).logs;
    return typeof logs === "object" && logs !== null ? (logs as Record<string, number>) : {};
  } catch {
    return {};
  }
}

function listLogs(dir: string): string[] {
  try {
    return readdirSync(join(dir, LOGS))
      .filter((f) => f.endsWith(".log"))
      .sort();
  } catch {
    return [];
  }
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The bytes of a file from `offset` on; undefined when the file is gone (compacted meanwhile). */
function readFrom(path: string, offset: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(Math.max(0, size - offset));
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, offset + n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function isStale(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > DEAD_AFTER_MS;
  } catch {
    return false;
  }
}
