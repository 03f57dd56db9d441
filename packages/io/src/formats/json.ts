import { lazySchema } from "@pipewright/core";
import { z } from "zod";
import { ErrorCode, type Format, formatError, NO_ARGS } from "./format.ts";
import { jsonValue } from "./json-value.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

const JsonSaveArgs = lazySchema(() =>
  z
    .object({
      /** Spaces of indentation; 0 writes one line (default 2). */
      indent: z.int().min(0).max(10).optional(),
      /** Sort object keys (default true): keeps the bytes, and so the hash, stable. */
      sort_keys: z.boolean().optional(),
    })
    .strict(),
);

const JsonlSaveArgs = lazySchema(() => z.object({ sort_keys: z.boolean().optional() }).strict());

/** Decodes UTF-8 text, reporting invalid bytes as MALFORMED_DATA. */
export function utf8(bytes: Uint8Array, ctx: Parameters<Format["decode"]>[1]): string {
  try {
    return decoder.decode(bytes);
  } catch (e) {
    throw formatError(ctx, ErrorCode.MALFORMED_DATA, "the file is not valid UTF-8 text.", {}, e);
  }
}

/** One JSON document; keys sorted, 2-space indent, trailing newline. */
export const jsonFormat: Format = {
  type: "json",
  description: "one JSON document (any JSON value)",
  loadArgs: NO_ARGS,
  saveArgs: JsonSaveArgs,
  encode(value, ctx) {
    const { indent = 2, sort_keys = true } = ctx.options as z.infer<typeof JsonSaveArgs>;
    return encoder.encode(`${JSON.stringify(jsonValue(value, ctx, sort_keys), null, indent)}\n`);
  },
  decode(bytes, ctx) {
    const text = utf8(bytes, ctx);
    try {
      return JSON.parse(text);
    } catch (e) {
      const at = lineOf(text, (e as Error).message);
      throw formatError(
        ctx,
        ErrorCode.MALFORMED_DATA,
        `invalid JSON: ${(e as Error).message}.`,
        at === undefined ? {} : { line: at },
        e,
      );
    }
  },
};

/** V8 reports "at position N" (and newer versions "line L column C"); turn it into a line. */
function lineOf(text: string, message: string): number | undefined {
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const pos = /position (\d+)/.exec(message);
  if (!pos) return undefined;
  let n = 1;
  for (let i = 0; i < Number(pos[1]) && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** One JSON value per line: an array of rows, streamed by line-oriented tools. */
export const jsonlFormat: Format = {
  type: "jsonl",
  description: "JSON Lines: an array, one element per line",
  loadArgs: NO_ARGS,
  saveArgs: JsonlSaveArgs,
  encode(value, ctx) {
    if (!Array.isArray(value)) {
      throw formatError(
        ctx,
        ErrorCode.NOT_SERIALISABLE,
        "jsonl holds an array (one element per line); the schema should be z.array(...).",
      );
    }
    const sortKeys = (ctx.options.sort_keys as boolean | undefined) ?? true;
    const rows = jsonValue(value, ctx, sortKeys) as unknown[];
    return encoder.encode(rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
  },
  decode(bytes, ctx) {
    const lines = utf8(bytes, ctx).split("\n");
    const rows: unknown[] = [];
    const rowLines: number[] = [];
    for (const [i, raw] of lines.entries()) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line.trim() === "") continue;
      try {
        rows.push(JSON.parse(line));
      } catch (e) {
        throw formatError(
          ctx,
          ErrorCode.MALFORMED_DATA,
          `row ${rows.length} is not valid JSON: ${(e as Error).message}.`,
          { line: i + 1 },
          e,
        );
      }
      rowLines.push(i + 1);
    }
    ctx.rowLines = rowLines;
    return rows;
  },
};
