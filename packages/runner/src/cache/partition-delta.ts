import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { inFolderOf } from "@pipewright/core";
import { hashBytes } from "@pipewright/io";
import type { CacheBackend } from "./backend.ts";

/**
 * Framing of the partition index's append-only delta (see PartitionIndex): one record a
 * line, `<checksum> <json>\n`, where the checksum is the content hash of the JSON text.
 * JSON.stringify never emits a raw newline, so a line is a record. A line that does not end
 * in a newline (a run killed mid-append) or whose checksum does not match is skipped: a
 * torn or foreign record costs a miss, never a wrong hit.
 */
export async function frame(record: unknown): Promise<string> {
  const json = JSON.stringify(record);
  return `${await hashBytes(encoder.encode(json))} ${json}\n`;
}

/**
 * The intact records of a delta file (or a snapshot: one record), in the order they were
 * appended. Works on the bytes: each record's JSON is hashed as stored, then decoded once.
 */
export async function unframe(bytes: Uint8Array | undefined): Promise<unknown[]> {
  if (!bytes || bytes.byteLength === 0) return [];
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: unknown[] = [];
  let at = 0;
  for (;;) {
    const end = buf.indexOf(NL, at);
    if (end < 0) break; // the torn tail of an interrupted append (or nothing)
    const space = buf.indexOf(SPACE, at);
    const start = at;
    at = end + 1;
    if (space < 0 || space > end) continue;
    const json = buf.subarray(space + 1, end);
    if ((await hashBytes(json)) !== buf.toString("latin1", start, space)) continue;
    try {
      out.push(JSON.parse(decoder.decode(json)));
    } catch {}
  }
  return out;
}

/**
 * The folder of a cache backend that is a local folder, where files can be appended to;
 * undefined for object stores (S3 cannot append: the index is rewritten whole there). The
 * backends that can append are those with an append-only log (`openLog`), whose `location`
 * is then their folder.
 */
export function localFolder(backend: CacheBackend): string | undefined {
  return backend.openLog ? backend.location : undefined;
}

/**
 * Appends one framed record. One write(2) of a few hundred bytes on a file opened with
 * O_APPEND: two runs appending at once each land whole, one after the other.
 */
export function appendRecord(folder: string, path: string, line: string): void {
  const file = join(folder, path);
  inFolderOf(file, () => appendFileSync(file, line));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NL = 0x0a;
const SPACE = 0x20;
