import type { FieldShape, Kind } from "./shape.ts";

/** An unquoted empty cell: null or absent, as the schema allows. A quoted "" is an empty string. */
export const EMPTY: unique symbol = Symbol("empty cell");

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * Turns a CSV cell into the type its field declares. Alternatives are tried in the
 * schema's order; a cell none of them can read stays a string, so validation then
 * reports the field with what was found. Returns `undefined` to mean "leave absent".
 */
export function coerceCell(cell: string | typeof EMPTY, field: FieldShape | undefined): unknown {
  if (cell === EMPTY) {
    if (!field) return "";
    if (field.nullable) return null;
    if (field.optional) return undefined;
    return "";
  }
  if (!field) return cell;
  for (const kind of field.kinds) {
    const v = convert(cell, kind);
    if (v !== NO) return v;
  }
  return cell;
}

const NO = Symbol("no");

function convert(cell: string, kind: Kind): unknown {
  switch (kind) {
    case "string":
      return cell;
    case "number":
    case "int":
    case "int32":
      return NUMBER.test(cell.trim()) ? Number(cell) : NO;
    case "bigint":
      return INTEGER.test(cell.trim()) ? BigInt(cell.trim()) : NO;
    case "boolean": {
      const t = cell.trim().toLowerCase();
      return t === "true" ? true : t === "false" ? false : NO;
    }
    case "date": {
      const d = new Date(cell);
      return Number.isNaN(d.getTime()) ? NO : d;
    }
    case "json":
      try {
        return JSON.parse(cell);
      } catch {
        return NO;
      }
  }
}
