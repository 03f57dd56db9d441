import { preview, rowAndField } from "./data-path.ts";
import { ErrorCode, type FormatContext, formatError } from "./format.ts";

/**
 * A copy of `value` with object keys sorted at every level (so equal values give equal
 * bytes), after checking that JSON can hold it exactly: plain objects, arrays, strings,
 * finite numbers, booleans and null. Anything JSON would change or drop on the way back
 * (a Date, a Map, NaN, a hole) is NOT_SERIALISABLE, with the row and field.
 */
export function jsonValue(
  value: unknown,
  ctx: FormatContext,
  sortKeys = true,
  path: PropertyKey[] = [],
): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    throw notJson(ctx, path, value, "JSON has no NaN or Infinity");
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      // `undefined` would silently become null; a sparse hole likewise.
      if (value[i] === undefined)
        throw notJson(ctx, [...path, i], undefined, "JSON arrays cannot hold undefined");
      out[i] = jsonValue(value[i], ctx, sortKeys, [...path, i]);
    }
    return out;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      throw notJson(ctx, path, value, "JSON holds only plain objects and arrays");
    const keys = Object.keys(value);
    if (sortKeys) keys.sort();
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      // Absent and undefined mean the same to an optional field, as in JSON.stringify.
      if (v === undefined) continue;
      out[k] = jsonValue(v, ctx, sortKeys, [...path, k]);
    }
    return out;
  }
  throw notJson(ctx, path, value, "JSON cannot hold it");
}

function notJson(ctx: FormatContext, path: PropertyKey[], value: unknown, why: string) {
  const hint =
    value instanceof Date
      ? " Store an ISO string (z.iso.datetime()), or use csv/parquet, which keep dates."
      : typeof value === "bigint"
        ? " Store it as a string or number."
        : " Convert it to plain data in the node, or use a format that holds it (memory keeps any value).";
  return formatError(
    ctx,
    ErrorCode.NOT_SERIALISABLE,
    `${preview(value)} cannot be stored as JSON: ${why}.${hint}`,
    rowAndField(path),
  );
}
