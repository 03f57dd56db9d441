import { isAscii } from "node:buffer";
import { hashBytes } from "@pipewright/io";
import type { KeyParts } from "./key.ts";

/** What one partition's key produced (see PartitionIndex). */
export interface PartitionEntry {
  /** The partition name (for `status` and for pruning). */
  name: string;
  /**
   * Output dataset id -> content hash and size of the partition written. The bytes are a
   * blob, or for a small partition (≤ INLINE_MAX bytes) `inline` here, base64: 10,000
   * tiny partitions then cost one index file, not 10,000 blob files.
   */
  outputs: Record<string, { hash: string; size: number; inline?: string }>;
  metrics?: Record<string, unknown>;
}

/**
 * A partition index in memory: its snapshot with the delta applied. Entries read from a
 * snapshot stay in their encoded text until looked up (`string`): opening a 10,000-entry
 * index splits lines instead of building 40,000 objects, and a lookup decodes one line.
 */
export interface IndexView {
  node: string;
  static: string;
  /** The snapshot's generation: its delta's records carry it (none: a file from before deltas). */
  gen?: string;
  /** What went into every partition's key but the partition: for `status` to name code or param changes. */
  parts?: KeyParts;
  /** Partition key -> entry (or its encoded text), newest first as saved. */
  entries: Map<string, PartitionEntry | string>;
  /** Partition name -> the key it last ran or hit with. */
  last: Map<string, string>;
  /**
   * The key memo (see KeyMemo in partition-index.ts): its prefix, and partition name -> the
   * input hash its `last` key was made from. `inputs` is empty when there is no prefix.
   */
  memoPrefix?: string;
  inputs: Map<string, string>;
}

/**
 * Snapshot format 2: a first line `pipewright-partition-index 2 <checksum>`, where the
 * checksum is the content hash of every byte after that line; then a JSON header line
 * (`{ node, static, gen, parts?, memo? }`, memo: the key memo's prefix); then one line per
 * pointer, `P <name> <key> <input>` (input `-`: none), and one per entry, `E <key> <name> <metrics> (<output
 * id> <hash> <size> <inline>)*`, tab-separated, entries newest first. A field that could
 * be mistaken (holds a tab, newline, quote, backslash or lone surrogate, or is "-") is
 * written as a JSON string; `-` is an absent inline text, an empty metrics field no metrics.
 * Any damage fails the checksum: the whole snapshot is then a miss, never a wrong hit. A
 * reader of format 1 (framed JSON) sees a record whose checksum fails: a miss too.
 */
export const SNAPSHOT_MAGIC = "pipewright-partition-index 2 ";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MISTAKEN = /[\t\n\r"\\\ud800-\udfff]/;

/** A field of a snapshot line (see SNAPSHOT_MAGIC). */
export function field(s: string): string {
  return s === "-" || MISTAKEN.test(s) ? JSON.stringify(s) : s;
}

/** The string a field stands for. Throws on a malformed JSON field (a bad snapshot). */
export function unfield(f: string): string {
  if (f.charCodeAt(0) !== 34 /* " */) return f;
  const s = JSON.parse(f) as unknown;
  if (typeof s !== "string") throw new Error("not a string field");
  return s;
}

/** One entry's text: everything on its line after the key. */
export function encodeEntry(e: PartitionEntry): string {
  let line = `${field(e.name)}\t${e.metrics === undefined ? "" : JSON.stringify(e.metrics)}`;
  for (const [id, o] of Object.entries(e.outputs))
    line += `\t${field(id)}\t${field(o.hash)}\t${o.size}\t${o.inline === undefined ? "-" : field(o.inline)}`;
  return line;
}

/** The entry an encodeEntry text stands for; undefined when malformed. */
export function decodeEntry(text: string): PartitionEntry | undefined {
  try {
    const f = text.split("\t");
    if (f.length < 2 || (f.length - 2) % 4 !== 0) return undefined;
    const outputs: PartitionEntry["outputs"] = {};
    for (let i = 2; i < f.length; i += 4) {
      const size = Number(f[i + 2]);
      if (!Number.isSafeInteger(size) || size < 0) return undefined;
      const inline = f[i + 3]!;
      const o =
        inline === "-"
          ? { hash: unfield(f[i + 1]!), size }
          : { hash: unfield(f[i + 1]!), size, inline: unfield(inline) };
      const id = unfield(f[i]!);
      // An own property whatever the id ("__proto__" would otherwise set the prototype).
      if (id === "__proto__")
        Object.defineProperty(outputs, id, {
          value: o,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else outputs[id] = o;
    }
    const e: PartitionEntry = { name: unfield(f[0]!), outputs };
    if (f[1] !== "") {
      const metrics = JSON.parse(f[1]!) as unknown;
      if (typeof metrics !== "object" || metrics === null) return undefined;
      e.metrics = metrics as Record<string, unknown>;
    }
    return e;
  } catch {
    return undefined;
  }
}

/**
 * The hashes of outputs `ids` of an entry (encoded or not), when each of them is kept
 * inline and the entry has no metrics; else undefined (decode it then). An encoded entry
 * is read in place, without building it: what a hit that nothing loads needs.
 */
export function inlineHashes(
  e: PartitionEntry | string,
  ids: readonly string[],
): string[] | undefined {
  // Sized once (a push per output grew it: an allocation per hit at 10,000 hits).
  const out: string[] = new Array(ids.length);
  if (typeof e !== "string") {
    if (e.metrics !== undefined) return undefined;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const o = Object.hasOwn(e.outputs, id) ? e.outputs[id] : undefined;
      if (o?.inline === undefined) return undefined;
      out[i] = o.hash;
    }
    return out;
  }
  if (!noMetrics(e)) return undefined;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const at = outputAt(e, id);
    if (at < 0) return undefined;
    const idEnd = at + id.length;
    const hashEnd = e.indexOf("\t", idEnd + 1);
    const sizeEnd = e.indexOf("\t", hashEnd + 1);
    if (e.charCodeAt(sizeEnd + 1) === 45 /* - */ && isFieldEnd(e, sizeEnd + 2)) return undefined;
    out[i] = e.slice(idEnd + 1, hashEnd);
  }
  return out;
}

/**
 * Output `id`'s hash and inline text in an entry (encoded or not): undefined when it has
 * no such output or none inline, or when an encoded entry needs decoding (quoted fields).
 */
export function inlineOutput(
  e: PartitionEntry | string,
  id: string,
): { hash: string; inline: string } | undefined {
  if (typeof e !== "string") {
    const o = Object.hasOwn(e.outputs, id) ? e.outputs[id] : undefined;
    return o?.inline === undefined ? undefined : { hash: o.hash, inline: o.inline };
  }
  const at = outputAt(e, id);
  if (at < 0) return undefined;
  const idEnd = at + id.length;
  const hashEnd = e.indexOf("\t", idEnd + 1);
  const sizeEnd = e.indexOf("\t", hashEnd + 1);
  let end = e.indexOf("\t", sizeEnd + 1);
  if (end < 0) end = e.length;
  const inline = e.slice(sizeEnd + 1, end);
  if (inline === "-" || inline.charCodeAt(0) === 34) return undefined;
  return { hash: e.slice(idEnd + 1, hashEnd), inline };
}

/** Whether an encoded entry's metrics field is empty (the line ends there, or a tab follows). */
function noMetrics(e: string): boolean {
  const name = e.indexOf("\t");
  return name >= 0 && (name + 1 === e.length || e.charCodeAt(name + 1) === 9);
}

function isFieldEnd(e: string, at: number): boolean {
  return at === e.length || e.charCodeAt(at) === 9;
}

/**
 * Where output `id`'s group starts in an encoded entry (see encodeEntry), reading it in
 * place; -1 when absent, or when the entry is better decoded (metrics, quoted fields,
 * malformed): the callers then fall back to decodeEntry.
 */
function outputAt(e: string, id: string): number {
  if (!noMetrics(e)) return -1;
  let at = e.indexOf("\t") + 2;
  while (at < e.length) {
    const idEnd = e.indexOf("\t", at);
    const hashEnd = idEnd < 0 ? -1 : e.indexOf("\t", idEnd + 1);
    const sizeEnd = hashEnd < 0 ? -1 : e.indexOf("\t", hashEnd + 1);
    if (sizeEnd < 0) return -1;
    // Quoted (JSON) fields are rare: decode the entry then.
    if (e.charCodeAt(at) === 34 || e.charCodeAt(idEnd + 1) === 34) return -1;
    if (idEnd - at === id.length && e.startsWith(id, at)) return at;
    const inlineEnd = e.indexOf("\t", sizeEnd + 1);
    if (inlineEnd < 0) return -1;
    at = inlineEnd + 1;
  }
  return -1;
}

/** A snapshot's bytes (see SNAPSHOT_MAGIC); `entries` in the order to store them. */
export async function encodeSnapshot(
  v: Omit<IndexView, "entries"> & { entries: Iterable<[string, PartitionEntry | string]> },
): Promise<Uint8Array> {
  const header = {
    node: v.node,
    static: v.static,
    ...(v.gen !== undefined && { gen: v.gen }),
    ...(v.parts && { parts: v.parts }),
    ...(v.memoPrefix !== undefined && { memo: v.memoPrefix }),
  };
  const lines = [JSON.stringify(header)];
  for (const [name, key] of v.last) {
    const input = v.inputs.get(name);
    lines.push(`P\t${field(name)}\t${field(key)}\t${input === undefined ? "-" : field(input)}`);
  }
  for (const [key, e] of v.entries)
    lines.push(`E\t${field(key)}\t${typeof e === "string" ? e : encodeEntry(e)}`);
  const body = encoder.encode(`${lines.join("\n")}\n`);
  const head = encoder.encode(`${SNAPSHOT_MAGIC}${await hashBytes(body)}\n`);
  const out = new Uint8Array(head.byteLength + body.byteLength);
  out.set(head);
  out.set(body, head.byteLength);
  return out;
}

/** Whether `bytes` start as a format-2 snapshot. */
export function isSnapshot2(bytes: Uint8Array): boolean {
  if (bytes.byteLength < SNAPSHOT_MAGIC.length) return false;
  for (let i = 0; i < SNAPSHOT_MAGIC.length; i++)
    if (bytes[i] !== SNAPSHOT_MAGIC.charCodeAt(i)) return false;
  return true;
}

/**
 * The view a format-2 snapshot holds, after one checksum of its body; undefined when the
 * checksum or any line fails (a torn or foreign file is a miss). Entries stay encoded.
 */
export async function decodeSnapshot(bytes: Uint8Array): Promise<IndexView | undefined> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl = buf.indexOf(0x0a);
  if (nl < 0 || !isSnapshot2(bytes)) return undefined;
  const sum = buf.toString("latin1", SNAPSHOT_MAGIC.length, nl);
  const body = buf.subarray(nl + 1);
  if (body.byteLength === 0 || body[body.byteLength - 1] !== 0x0a) return undefined;
  if ((await hashBytes(body)) !== sum) return undefined;
  try {
    // Mostly hex and base64: ASCII text decodes to a one-byte string, faster and smaller.
    const text = isAscii(body) ? body.toString("latin1") : decoder.decode(body);
    const first = text.indexOf("\n");
    const h = JSON.parse(text.slice(0, first)) as Record<string, unknown>;
    if (typeof h.node !== "string" || typeof h.static !== "string") return undefined;
    const v: IndexView = {
      node: h.node,
      static: h.static,
      entries: new Map(),
      last: new Map(),
      inputs: new Map(),
    };
    if (typeof h.gen === "string") v.gen = h.gen;
    if (h.parts !== undefined) v.parts = h.parts as KeyParts;
    if (typeof h.memo === "string") v.memoPrefix = h.memo;
    let at = first + 1;
    while (at < text.length) {
      const end = text.indexOf("\n", at);
      const kind = text.charCodeAt(at);
      const t1 = text.indexOf("\t", at + 2);
      if (text.charCodeAt(at + 1) !== 9 || t1 < 0 || t1 > end) return undefined;
      const a = unfield(text.slice(at + 2, t1));
      if (kind === 80 /* P */) {
        const t2 = text.indexOf("\t", t1 + 1);
        if (t2 < 0 || t2 > end) return undefined;
        v.last.set(a, unfield(text.slice(t1 + 1, t2)));
        const input = text.slice(t2 + 1, end);
        if (input !== "-" && v.memoPrefix !== undefined) v.inputs.set(a, unfield(input));
      } else if (kind === 69 /* E */) v.entries.set(a, text.slice(t1 + 1, end));
      else return undefined;
      at = end + 1;
    }
    return v;
  } catch {
    return undefined;
  }
}
