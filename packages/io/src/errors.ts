import { ErrorCode, type Issue, PipewrightError } from "@pipewright/core";

/**
 * A problem in conf/catalog.yaml, conf/credentials.yaml or catalog entries given in code.
 * Holds every issue found (zod-style), each naming the file, line and entry; `code` is
 * the code of the first.
 *
 * @example
 * try { await Catalog.fromFile("conf/catalog.yaml") } catch (e) {
 *   if (e instanceof CatalogError) for (const i of e.issues) console.error(i.code, i.message)
 * }
 */
export class CatalogError extends PipewrightError {
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[]) {
    const first = issues[0];
    if (!first) throw new TypeError("CatalogError needs at least one issue");
    const message =
      issues.length === 1
        ? first.message
        : `${issues.length} problems in the catalog:\n${issues.map((i) => `  - [${i.code}] ${i.message}`).join("\n")}`;
    super(first.code, message);
    this.issues = issues;
  }

  /** Throws one CatalogError holding `issues`, when there are any. */
  static throwIfAny(issues: readonly Issue[]): void {
    if (issues.length > 0) throw new CatalogError(issues);
  }
}

/** Where a data problem is: which node, dataset, stored object, row and field. */
export interface DataLocation {
  dataset: string;
  node?: string | undefined;
  /** The partition, for a partitioned dataset. */
  partition?: string | undefined;
  /** Project-relative path or URI of the stored data (never with credentials). */
  uri?: string | undefined;
  /** 0-based index of the row (array element), when the data is a list of rows. */
  row?: number | undefined;
  /** Dotted path of the field inside the row (or inside the value). */
  field?: string | undefined;
  /** 1-based line in the stored file (csv, jsonl), when known. */
  line?: number | undefined;
}

/**
 * Data that cannot be read, written or validated: SOURCE_NOT_FOUND, MALFORMED_DATA,
 * DATA_VALIDATION or NOT_SERIALISABLE. The message names node, dataset, row and field.
 */
export class DataError extends PipewrightError implements DataLocation {
  readonly dataset: string;
  readonly node: string | undefined;
  readonly partition: string | undefined;
  readonly uri: string | undefined;
  readonly row: number | undefined;
  readonly field: string | undefined;
  readonly line: number | undefined;
  constructor(
    code: ErrorCode,
    where: DataLocation,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${describeLocation(where)}: ${problem}`, options);
    this.dataset = where.dataset;
    this.node = where.node;
    this.partition = where.partition;
    this.uri = where.uri;
    this.row = where.row;
    this.field = where.field;
    this.line = where.line;
  }
}

/** `node "n", dataset "d" (data/x.csv line 4), row 2, field "price"` */
export function describeLocation(w: DataLocation): string {
  const parts: string[] = [];
  if (w.node !== undefined) parts.push(`node "${w.node}"`);
  let ds = `dataset "${w.dataset}"`;
  if (w.partition !== undefined) ds += ` partition "${w.partition}"`;
  const file =
    w.uri !== undefined ? `${w.uri}${w.line !== undefined ? ` line ${w.line}` : ""}` : undefined;
  if (file !== undefined) ds += ` (${file})`;
  parts.push(ds);
  if (w.row !== undefined) parts.push(`row ${w.row}`);
  if (w.field !== undefined && w.field !== "") parts.push(`field "${w.field}"`);
  return parts.join(", ");
}

/** A storage backend failed (permissions, network, missing bucket), or an object is absent. */
export class StorageError extends PipewrightError {
  readonly uri: string;
  constructor(code: ErrorCode, uri: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.uri = uri;
  }
}

export { ErrorCode };
