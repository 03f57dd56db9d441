import { lazySchema } from "@pipewright/core";
import { z } from "zod";
import { coerceCell, EMPTY } from "./coerce.ts";
import { preview } from "./data-path.ts";
import { ErrorCode, type Format, type FormatContext, formatError, requireRows } from "./format.ts";
import { utf8 } from "./json.ts";
import { jsonValue } from "./json-value.ts";
import { lazyModule } from "./lazy-module.ts";
import { type FieldShape, rowShape } from "./shape.ts";

const Char = lazySchema(() => z.string().min(1));
/** csv-parse options that make sense for a typed table (it silently ignores unknown ones, so we check). */
const CsvLoadArgs = lazySchema(() =>
  z
    .object({
      delimiter: Char.optional(),
      quote: Char.optional(),
      escape: Char.optional(),
      comment: Char.optional(),
      bom: z.boolean().optional(),
      trim: z.boolean().optional(),
      skip_empty_lines: z.boolean().optional(),
      relax_quotes: z.boolean().optional(),
      relax_column_count: z.boolean().optional(),
      from_line: z.int().min(1).optional(),
      to_line: z.int().min(1).optional(),
    })
    .strict(),
);
const CsvSaveArgs = lazySchema(() =>
  z
    .object({
      delimiter: Char.optional(),
      quote: Char.optional(),
      escape: Char.optional(),
      record_delimiter: z
        .union([z.enum(["unix", "windows", "mac", "ascii", "unicode"]), Char])
        .optional(),
      bom: z.boolean().optional(),
    })
    .strict(),
);

/**
 * A table: an array of flat objects. Cells are typed by the dataset's schema,
 * `z.array(z.object({...}))`: "3.5" becomes 3.5 for a number field, "true" true for a
 * boolean, an unquoted empty cell null (or absent), a quoted "" an empty string.
 */
const parser = lazyModule(() => import("csv-parse/sync"));
const printer = lazyModule(() => import("csv-stringify/sync"));

export const csvFormat: Format = {
  type: "csv",
  description: "a table, z.array(z.object(...)); cells typed by the schema",
  loadArgs: CsvLoadArgs,
  saveArgs: CsvSaveArgs,
  async encode(value, ctx) {
    requireRows(value, ctx, "csv");
    const { stringify } = await printer();
    const shape = rowShape(ctx.schema);
    const columns = shape ? shape.map((f) => f.name) : columnsOf(value, ctx);
    const byName = new Map(shape?.map((f) => [f.name, f]));
    const records = value.map((row, i) => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        throw formatError(
          ctx,
          ErrorCode.NOT_SERIALISABLE,
          `a csv row must be an object, got ${preview(row)}.`,
          { row: i },
        );
      }
      return columns.map((c) =>
        cell((row as Record<string, unknown>)[c], byName.get(c), ctx, i, c),
      );
    });
    const text = stringify(records, {
      ...(ctx.options as Record<string, never>),
      header: true,
      columns,
      // A quoted "" reads back as an empty string; a bare empty cell as null/absent.
      cast: { string: (s: string) => (s === "" ? { value: "", quoted_empty: true } : s) },
    });
    return new TextEncoder().encode(text);
  },
  async decode(bytes, ctx) {
    const text = utf8(bytes, ctx);
    const { parse } = await parser();
    let parsed: { record: Record<string, string | typeof EMPTY>; info: { lines: number } }[];
    let header: string[] = [];
    try {
      parsed = parse(text, {
        ...(ctx.options as Record<string, never>),
        columns: (h: string[]) => {
          header = h;
          return h;
        },
        info: true,
        cast: (v, c) => (c.header || v !== "" || c.quoting ? v : (EMPTY as never)),
      }) as never;
    } catch (e) {
      const err = e as Error & { code?: string; lines?: number };
      const line = typeof err.lines === "number" ? err.lines : undefined;
      throw formatError(
        ctx,
        ErrorCode.MALFORMED_DATA,
        `malformed CSV: ${err.message}${err.code ? ` (${err.code})` : ""}. Fix the file, or adjust load_args (delimiter, quote, relax_column_count).`,
        line === undefined ? {} : { line },
        e,
      );
    }
    const shape = rowShape(ctx.schema);
    const byName = new Map(shape?.map((f) => [f.name, f]));
    if (shape && parsed.length > 0) {
      const missing = shape
        .filter((f) => !f.optional && !header.includes(f.name))
        .map((f) => f.name);
      if (missing.length > 0) {
        throw formatError(
          ctx,
          ErrorCode.MALFORMED_DATA,
          `the header lacks column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} (found ${header.map((h) => `"${h}"`).join(", ")}).`,
          { line: 1 },
        );
      }
    }
    ctx.rowLines = parsed.map((p) => p.info.lines);
    return parsed.map(({ record }) => {
      const row: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(record)) {
        const c = coerceCell(v, byName.get(k));
        if (c !== undefined) row[k] = c;
      }
      return row;
    });
  },
};

function cell(
  v: unknown,
  field: FieldShape | undefined,
  ctx: FormatContext,
  row: number,
  column: string,
): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "bigint")
    return typeof v === "boolean" ? String(v) : v;
  if (typeof v === "number") {
    if (Number.isFinite(v)) return String(v);
  } else if (v instanceof Date) {
    if (!Number.isNaN(v.getTime())) return v.toISOString();
  } else if (typeof v === "object" && field?.kinds.includes("json")) {
    // Nested values the schema declares are kept as JSON text in the cell.
    return JSON.stringify(jsonValue(v, { ...ctx, dataset: ctx.dataset }, true, [row, column]));
  }
  throw formatError(
    ctx,
    ErrorCode.NOT_SERIALISABLE,
    `${preview(v)} cannot be stored in a csv cell; cells hold strings, numbers, booleans, dates and null. Flatten it in the node, declare the field as an object or array (stored as JSON text), or use jsonl or parquet.`,
    { row, field: column },
  );
}

/** Without a table schema: the keys of all rows, in order of first appearance. */
function columnsOf(rows: unknown[], ctx: FormatContext): string[] {
  const seen = new Set<string>();
  for (const [i, r] of rows.entries()) {
    if (r === null || typeof r !== "object" || Array.isArray(r)) {
      throw formatError(
        ctx,
        ErrorCode.NOT_SERIALISABLE,
        `a csv row must be an object, got ${preview(r)}.`,
        { row: i },
      );
    }
    for (const k of Object.keys(r)) seen.add(k);
  }
  return [...seen];
}
