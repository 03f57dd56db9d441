import { lazySchema } from "@pipewright/core";
import { z } from "zod";
import { preview } from "./data-path.ts";
import {
  ErrorCode,
  type Format,
  type FormatContext,
  formatError,
  NO_ARGS,
  requireRows,
} from "./format.ts";
import { jsonValue } from "./json-value.ts";
import { lazyModule } from "./lazy-module.ts";
import { type FieldShape, rowShape } from "./shape.ts";

const ParquetSaveArgs = lazySchema(() =>
  z
    .object({
      /** Compression; hyparquet-writer ships SNAPPY (default) and UNCOMPRESSED. */
      codec: z.enum(["SNAPPY", "UNCOMPRESSED"]).optional(),
      /** Rows per row group (default: 1000 for the first, then 100000). */
      row_group_size: z.int().positive().optional(),
      /** Column min/max statistics (default true). */
      statistics: z.boolean().optional(),
    })
    .strict(),
);

type ParquetType = "STRING" | "DOUBLE" | "INT32" | "INT64" | "BOOLEAN" | "TIMESTAMP" | "JSON";

/** The column type for a field: one scalar kind maps to its parquet type, anything else is JSON. */
function columnType(f: FieldShape): ParquetType {
  if (f.kinds.length !== 1) return "JSON";
  const map: Record<string, ParquetType> = {
    string: "STRING",
    number: "DOUBLE",
    int32: "INT32",
    int: "INT64",
    bigint: "INT64",
    boolean: "BOOLEAN",
    date: "TIMESTAMP",
  };
  return map[f.kinds[0]!] ?? "JSON";
}

/**
 * A table in Apache Parquet, typed by the dataset's schema `z.array(z.object({...}))`:
 * numbers are DOUBLE (INT32/INT64 for z.int32()/z.int()), dates TIMESTAMP, nested or mixed
 * fields JSON. Written by hyparquet-writer, read by hyparquet.
 */
const reader = lazyModule(() => import("hyparquet"));
const writer = lazyModule(() => import("hyparquet-writer"));

export const parquetFormat: Format = {
  type: "parquet",
  description: "a table in Apache Parquet, z.array(z.object(...)); columns typed by the schema",
  loadArgs: NO_ARGS,
  saveArgs: ParquetSaveArgs,
  async encode(value, ctx) {
    requireRows(value, ctx, "parquet");
    const { parquetWriteBuffer } = await writer();
    const shape = rowShape(ctx.schema);
    if (!shape) {
      throw formatError(
        ctx,
        ErrorCode.NOT_SERIALISABLE,
        "parquet needs column types: give the dataset a z.array(z.object({...})) schema.",
      );
    }
    for (const [i, row] of value.entries()) {
      if (row === null || typeof row !== "object" || Array.isArray(row))
        throw formatError(
          ctx,
          ErrorCode.NOT_SERIALISABLE,
          `a parquet row must be an object, got ${preview(row)}.`,
          { row: i },
        );
    }
    const rows = value as Record<string, unknown>[];
    const columnData = shape.map((f) => {
      const type = columnType(f);
      return {
        name: f.name,
        type,
        nullable: f.nullable || f.optional,
        data: rows.map((r, i) => cell(r[f.name], type, ctx, i, f.name)),
      };
    });
    const { codec, row_group_size, statistics } = ctx.options as z.infer<typeof ParquetSaveArgs>;
    try {
      const buffer = parquetWriteBuffer({
        columnData: columnData as never,
        ...(codec !== undefined && { codec }),
        ...(row_group_size !== undefined && { rowGroupSize: row_group_size }),
        ...(statistics !== undefined && { statistics }),
      });
      return new Uint8Array(buffer);
    } catch (e) {
      throw formatError(
        ctx,
        ErrorCode.NOT_SERIALISABLE,
        `parquet cannot store the rows: ${(e as Error).message}.`,
        {},
        e,
      );
    }
  },
  async decode(bytes, ctx) {
    const { parquetReadObjects } = await reader();
    const shape = rowShape(ctx.schema);
    // hyparquet wants an ArrayBuffer of exactly the file (a Buffer may be a view into a pool).
    const file =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes.buffer
        : // Uint8Array's slice copies (a Buffer's returns a view of the same memory).
          Uint8Array.prototype.slice.call(bytes).buffer;
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: file as ArrayBuffer });
    } catch (e) {
      throw formatError(
        ctx,
        ErrorCode.MALFORMED_DATA,
        `not a readable parquet file: ${(e as Error).message}.`,
        {},
        e,
      );
    }
    if (!shape) return rows;
    const byName = new Map(shape.map((f) => [f.name, f]));
    for (const row of rows) {
      for (const [k, v] of Object.entries(row)) {
        const f = byName.get(k);
        if (!f) continue;
        if (v === null && !f.nullable && f.optional) delete row[k];
        else if (typeof v === "bigint" && !f.kinds.includes("bigint")) row[k] = Number(v);
      }
    }
    return rows;
  },
};

function cell(
  v: unknown,
  type: ParquetType,
  ctx: FormatContext,
  row: number,
  field: string,
): unknown {
  if (v === undefined || v === null) return null;
  switch (type) {
    case "INT64":
      if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
      if (typeof v === "bigint") return v;
      break;
    case "DOUBLE":
    case "INT32":
      if (typeof v === "number") return v;
      break;
    case "STRING":
      if (typeof v === "string") return v;
      break;
    case "BOOLEAN":
      if (typeof v === "boolean") return v;
      break;
    case "TIMESTAMP":
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
      break;
    case "JSON":
      // Sorted keys keep the bytes stable; jsonValue rejects what JSON would alter.
      return jsonValue(v, ctx, true, [row, field]);
  }
  throw formatError(
    ctx,
    ErrorCode.NOT_SERIALISABLE,
    `${preview(v)} does not fit the parquet column type ${type}.`,
    { row, field },
  );
}
