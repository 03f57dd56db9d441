import { closest, ErrorCode, lazySchema } from "@pipewright/core";
import { z } from "zod";
import { DataError, type DataLocation } from "../errors.ts";
import { preview } from "./data-path.ts";

/** What a format knows about the value it encodes or decodes. */
export interface FormatContext {
  /** The dataset id, for messages. */
  dataset: string;
  /** The node reading or writing it, for messages. */
  node?: string | undefined;
  /** Project-relative path or URI of the data, for messages; undefined in memory. */
  uri?: string | undefined;
  /** The dataset's zod schema: typed formats (csv, parquet) read column types from it. */
  schema: z.ZodType;
  /** `load_args` when decoding, `save_args` when encoding (already validated by the format's schema). */
  options: Record<string, unknown>;
}

/** The context of decode(): a format may tell which line of the file each row came from. */
export interface DecodeContext extends FormatContext {
  /** Set by line-based formats: `rowLines[i]` is the 1-based line of row i, for error messages. */
  rowLines?: number[];
}

/**
 * A dataset type: how a value becomes bytes and back. Encoding must be deterministic
 * (the same value gives the same bytes) because content hashes and the cache rely on it.
 *
 * @example
 * registerFormat({
 *   type: "yaml",
 *   encode: (value) => new TextEncoder().encode(YAML.stringify(value, { sortMapEntries: true })),
 *   decode: (bytes) => YAML.parse(new TextDecoder().decode(bytes)),
 * });
 */
export interface Format {
  /** The `type:` of catalog entries. */
  readonly type: string;
  /** One line for docs and `pipewright ls`. */
  readonly description?: string;
  /** Validates `load_args` in the catalog (default: any record). */
  readonly loadArgs?: z.ZodType;
  /** Validates `save_args` in the catalog (default: any record). */
  readonly saveArgs?: z.ZodType;
  /**
   * Bytes of a value that already passed the dataset's schema. Throw formatError(ctx,
   * NOT_SERIALISABLE, ...) for a value the format cannot hold; other errors are wrapped.
   */
  encode(value: unknown, ctx: FormatContext): Uint8Array | Promise<Uint8Array>;
  /** The value stored in `bytes`, before schema validation; throw MALFORMED_DATA for bad input. */
  decode(bytes: Uint8Array, ctx: DecodeContext): unknown;
}

/**
 * The load_args or save_args of a format that takes none. Format options are built on
 * first use (lazySchema): a catalog entry gives args rarely, and every command's start
 * would otherwise build them, ~1 ms of zod constructors.
 */
export const NO_ARGS = lazySchema(() => z.object({}).strict());

const registry = new Map<string, Format>();

/**
 * Registers a dataset type for catalog entries (`type: <name>`). Registering a type again
 * replaces it; "memory" is reserved.
 */
export function registerFormat(format: Format): void {
  if (typeof format?.type !== "string" || !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(format.type)) {
    throw new TypeError(
      `registerFormat: type must be a name like "yaml", got ${JSON.stringify(format?.type)}`,
    );
  }
  if (format.type === "memory" && registry.has("memory"))
    throw new TypeError('registerFormat: "memory" is built in and cannot be replaced');
  registry.set(format.type, format);
}

/** The format of a type, or undefined. */
export function findFormat(type: string): Format | undefined {
  return registry.get(type);
}

/** Every registered type name, sorted. */
export function formatTypes(): string[] {
  return [...registry.keys()].sort();
}

/** `unknown dataset type "jsno". Did you mean "json"? Known types: ...` */
export function unknownTypeMessage(type: string): string {
  const near = closest(type, registry.keys());
  return `unknown dataset type "${type}".${near ? ` Did you mean "${near}"?` : ""} Known types: ${formatTypes().join(", ")}; register others with registerFormat().`;
}

/** A DataError located by a format context (and optionally a row and field). */
export function formatError(
  ctx: FormatContext,
  code:
    | typeof ErrorCode.MALFORMED_DATA
    | typeof ErrorCode.NOT_SERIALISABLE
    | typeof ErrorCode.DATA_VALIDATION,
  problem: string,
  at: Partial<Pick<DataLocation, "row" | "field" | "line">> = {},
  cause?: unknown,
): DataError {
  return new DataError(
    code,
    { dataset: ctx.dataset, node: ctx.node, uri: ctx.uri, ...at },
    problem,
    cause === undefined ? undefined : { cause },
  );
}

export { ErrorCode };

/** Table formats (csv, parquet) hold an array of rows: anything else is NOT_SERIALISABLE. */
export function requireRows(
  value: unknown,
  ctx: FormatContext,
  type: string,
): asserts value is unknown[] {
  if (!Array.isArray(value)) {
    throw formatError(
      ctx,
      ErrorCode.NOT_SERIALISABLE,
      `${type} holds an array of rows, got ${preview(value)}; the schema should be z.array(z.object({...})).`,
    );
  }
}
