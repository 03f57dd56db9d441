import { preview, rowAndField } from "./data-path.ts";
import { ErrorCode, type Format, type FormatContext, formatError, NO_ARGS } from "./format.ts";

/**
 * The canonical text of an in-memory value: JSON with sorted keys, plus tags for what
 * JSON lacks ({"$date": ...}, {"$bigint": ...}, {"$map": ...}, {"$bytes": ...}, ...), so
 * equal values give equal bytes and decode() gives the value back.
 *
 * In `strict` mode (encode, for the runner's cache) a value that cannot be rebuilt — a
 * function, a class instance, a cycle — is NOT_SERIALISABLE. In lenient mode (content
 * hashing) those are described instead (class name and fields, function source), so any
 * value has a stable hash.
 */
export function canonicalText(value: unknown, ctx: FormatContext, strict: boolean): string {
  return plainText(value, 0) ?? taggedText(value, ctx, strict);
}

const BAIL = 256;

/**
 * The common case, plain JSON data, without the bookkeeping of taggedText; undefined as
 * soon as anything needs a tag (or nesting is deep enough to suspect a cycle). For plain
 * data both give the same text.
 */
function plainText(v: unknown, depth: number): string | undefined {
  if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if (typeof v === "number")
    return Number.isFinite(v) && !Object.is(v, -0) ? JSON.stringify(v) : undefined;
  if (v === null) return "null";
  if (typeof v !== "object" || depth > BAIL) return undefined;
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) {
      const s = plainText(v[i], depth + 1);
      if (s === undefined) return undefined;
      out += i === 0 ? s : `,${s}`;
    }
    return `${out}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const keys = Object.keys(v).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.startsWith("$")) return undefined;
    const s = plainText((v as Record<string, unknown>)[k], depth + 1);
    if (s === undefined) return undefined;
    out += `${i === 0 ? "" : ","}${JSON.stringify(k)}:${s}`;
  }
  return `${out}}`;
}

export function taggedText(value: unknown, ctx: FormatContext, strict: boolean): string {
  const stack: unknown[] = [];
  const path: PropertyKey[] = [];
  const fail = (v: unknown, why: string): never => {
    throw formatError(
      ctx,
      ErrorCode.NOT_SERIALISABLE,
      `${preview(v)} cannot be stored: ${why}. Return plain data (objects, arrays, Maps, Sets, Dates, typed arrays), or keep the dataset in memory with caching off for this node.`,
      rowAndField(path),
    );
  };
  const tag = (name: string, body: string) => `{${JSON.stringify(name)}:${body}}`;
  const enc = (v: unknown): string => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return JSON.stringify(v);
      case "number":
        if (Number.isFinite(v) && !Object.is(v, -0)) return JSON.stringify(v);
        return tag("$n", JSON.stringify(String(Object.is(v, -0) ? "-0" : v)));
      case "undefined":
        return tag("$u", "1");
      case "bigint":
        return tag("$bigint", JSON.stringify(v.toString()));
      case "function":
        return strict
          ? fail(v, "functions are code, not data")
          : tag("$fn", JSON.stringify(v.toString()));
      case "symbol":
        return strict
          ? fail(v, "symbols are not data")
          : tag("$symbol", JSON.stringify(v.description ?? ""));
    }
    if (v === null) return "null";
    if (stack.includes(v))
      return strict
        ? fail(v, "it refers to itself (a cycle)")
        : tag("$cycle", String(stack.length - stack.indexOf(v)));
    stack.push(v);
    try {
      return encObject(v as object);
    } finally {
      stack.pop();
    }
  };
  const child = (k: PropertyKey, v: unknown) => {
    path.push(k);
    const s = enc(v);
    path.pop();
    return s;
  };
  const encObject = (v: object): string => {
    if (Array.isArray(v)) return `[${Array.from(v, (x, i) => child(i, x)).join(",")}]`;
    if (v instanceof Date)
      return tag("$date", JSON.stringify(Number.isNaN(v.getTime()) ? null : v.toISOString()));
    if (ArrayBuffer.isView(v)) {
      const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
      return tag("$typed", `[${JSON.stringify(v.constructor.name)},${JSON.stringify(bytes)}]`);
    }
    if (v instanceof Map) {
      const entries = [...v].map(
        ([k, x], i) => [child(`<key ${i}>`, k), child(String(k), x)] as const,
      );
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return tag("$map", `[${entries.map(([k, x]) => `[${k},${x}]`).join(",")}]`);
    }
    if (v instanceof Set)
      return tag(
        "$set",
        `[${[...v]
          .map((x, i) => child(i, x))
          .sort()
          .join(",")}]`,
      );
    if (v instanceof RegExp) return tag("$regexp", JSON.stringify([v.source, v.flags]));
    const proto = Object.getPrototypeOf(v);
    const plain = proto === Object.prototype || proto === null;
    if (!plain && strict) fail(v, "class instances cannot be rebuilt from bytes");
    const keys = Object.keys(v).sort();
    const body = `{${keys.map((k) => `${JSON.stringify(k)}:${child(k, (v as Record<string, unknown>)[k])}`).join(",")}}`;
    if (!plain) return tag("$class", `[${JSON.stringify(v.constructor?.name ?? "")},${body}]`);
    // A plain object whose keys look like tags is wrapped, so decoding stays unambiguous.
    return keys.some((k) => k.startsWith("$")) ? tag("$obj", body) : body;
  };
  return enc(value);
}

/** Rebuilds a value from canonicalText (strict mode). */
export function fromCanonicalText(text: string): unknown {
  return revive(JSON.parse(text));
}

function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v === null || typeof v !== "object") return v;
  const entries = Object.entries(v);
  if (entries.length === 1) {
    const [name, body] = entries[0]!;
    switch (name) {
      case "$n":
        return Number(body);
      case "$u":
        return undefined;
      case "$bigint":
        return BigInt(body as string);
      case "$date":
        return new Date(body === null ? Number.NaN : (body as string));
      case "$typed": {
        const [ctor, b64] = body as [string, string];
        const buf = Buffer.from(b64, "base64");
        if (ctor === "Buffer") return buf;
        const C = (globalThis as Record<string, unknown>)[ctor] as
          | { new (b: ArrayBuffer): unknown; BYTES_PER_ELEMENT?: number }
          | undefined;
        if (typeof C !== "function" || C.BYTES_PER_ELEMENT === undefined)
          throw new Error(`unknown typed array ${ctor}`);
        return new C(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      }
      case "$map":
        return new Map((body as [unknown, unknown][]).map(([k, x]) => [revive(k), revive(x)]));
      case "$set":
        return new Set((body as unknown[]).map(revive));
      case "$regexp": {
        const [source, flags] = body as [string, string];
        return new RegExp(source, flags);
      }
      case "$obj":
        return reviveObject(body as Record<string, unknown>);
    }
  }
  return reviveObject(v as Record<string, unknown>);
}

function reviveObject(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = revive(x);
  return out;
}

/**
 * Values kept in the process. It has a byte form only for the runner's cache (and for
 * hashing): the canonical text above.
 */
export const memoryFormat: Format = {
  type: "memory",
  description: "kept in the process; the default for datasets the catalog does not list",
  loadArgs: NO_ARGS,
  saveArgs: NO_ARGS,
  encode: (value, ctx) => new TextEncoder().encode(canonicalText(value, ctx, true)),
  decode(bytes, ctx) {
    try {
      return fromCanonicalText(new TextDecoder().decode(bytes));
    } catch (e) {
      throw formatError(
        ctx,
        ErrorCode.MALFORMED_DATA,
        `not a stored in-memory value: ${(e as Error).message}.`,
        {},
        e,
      );
    }
  },
};
