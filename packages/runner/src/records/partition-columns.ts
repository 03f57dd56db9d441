import type { NodeRecord, PartitionRecord, RunRecord } from "../types.ts";
import { byDataset } from "./record.ts";

/**
 * The run record file's format. 2: a map node's partitions are stored by column
 * (`partitionColumns`, see PartitionColumns) instead of an object each. Files without
 * `format` are format 1 and are read as they are.
 */
export const RUN_RECORD_FORMAT = 2;

/**
 * A map node's partition records, one array per field, position p being partition p: a
 * 10,000-partition record then repeats no field names and is about a third smaller, and
 * writing or reading it builds arrays of strings instead of 20,000 objects. Fields most
 * partitions lack (`cause`, `metrics`, `error`) are in `extra`, by position. `outputs`
 * holds one array per output dataset id, `null` where that partition has no such output
 * (a failed or skipped one). An older pipewright reading it sees a node without
 * `partitions`, never a wrong one.
 */
export interface PartitionColumns {
  name: string[];
  status: PartitionRecord["status"][];
  durationMs: number[];
  cacheKey: (string | null)[];
  input: (string | null)[];
  attempts: number[];
  outputs: Record<string, (string | null)[]>;
  /** Position -> the fields of that partition beyond the columns' (cause, metrics, error). */
  extra?: Record<string, Partial<PartitionRecord>>;
}

/** The on-disk node record: `partitions` replaced by `partitionColumns`. */
type StoredNode = Omit<NodeRecord, "partitions"> & { partitionColumns?: PartitionColumns };

const COLUMNS = new Set([
  "name",
  "status",
  "durationMs",
  "cacheKey",
  "input",
  "attempts",
  "outputs",
]);

export function toColumns(partitions: readonly PartitionRecord[]): PartitionColumns {
  const n = partitions.length;
  const c: PartitionColumns = {
    name: new Array(n),
    status: new Array(n),
    durationMs: new Array(n),
    cacheKey: new Array(n),
    input: new Array(n),
    attempts: new Array(n),
    outputs: byDataset(),
  };
  for (let i = 0; i < n; i++) {
    const p = partitions[i]!;
    c.name[i] = p.name;
    c.status[i] = p.status;
    c.durationMs[i] = p.durationMs;
    c.cacheKey[i] = p.cacheKey;
    c.input[i] = p.input;
    c.attempts[i] = p.attempts;
    for (const id in p.outputs) {
      // (own keys only: "constructor" is a dataset id like any other)
      let column = Object.hasOwn(c.outputs, id) ? c.outputs[id] : undefined;
      if (column === undefined) {
        column = new Array(n).fill(null);
        c.outputs[id] = column;
      }
      column[i] = p.outputs[id]!;
    }
    // The common hit has exactly the columns' fields: no loop over its keys.
    if (p.cause === undefined && p.metrics === undefined && p.error === undefined) continue;
    const more: Partial<PartitionRecord> = {};
    for (const k of Object.keys(p) as (keyof PartitionRecord)[])
      if (!COLUMNS.has(k) && p[k] !== undefined) Object.assign(more, { [k]: p[k] });
    c.extra ??= {};
    c.extra[i] = more;
  }
  return c;
}

/** The partition records columns stand for; undefined when they are malformed. */
export function fromColumns(c: unknown): PartitionRecord[] | undefined {
  if (typeof c !== "object" || c === null) return undefined;
  const { name, status, durationMs, cacheKey, input, attempts, outputs, extra } =
    c as PartitionColumns;
  if (!Array.isArray(name)) return undefined;
  const n = name.length;
  const columns = [status, durationMs, cacheKey, input, attempts];
  if (!columns.every((x) => Array.isArray(x) && x.length === n)) return undefined;
  if (typeof outputs !== "object" || outputs === null) return undefined;
  const ids = Object.keys(outputs);
  if (!ids.every((id) => Array.isArray(outputs[id]) && outputs[id]!.length === n)) return undefined;
  const textOrNull = (x: unknown) => x === null || typeof x === "string";
  for (let i = 0; i < n; i++)
    if (
      typeof name[i] !== "string" ||
      typeof status[i] !== "string" ||
      typeof durationMs[i] !== "number" ||
      typeof attempts[i] !== "number" ||
      !textOrNull(cacheKey[i]) ||
      !textOrNull(input[i])
    )
      return undefined;
  const out: PartitionRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o: Record<string, string> = byDataset();
    for (const id of ids) {
      const h = outputs[id]![i];
      if (typeof h === "string") o[id] = h;
    }
    const p: PartitionRecord = {
      name: name[i]!,
      status: status[i]!,
      durationMs: durationMs[i]!,
      cacheKey: cacheKey[i]!,
      input: input[i]!,
      outputs: o,
      attempts: attempts[i]!,
    };
    const more = extra?.[i];
    if (typeof more === "object" && more !== null)
      // (not "__proto__": a hand-edited file must not set a record's prototype)
      for (const k of Object.keys(more) as (keyof PartitionRecord)[])
        if (!COLUMNS.has(k) && k !== ("__proto__" as string))
          (p as unknown as Record<string, unknown>)[k] = more[k];
    out[i] = p;
  }
  return out;
}

/** A run record as written to its file (format 2: partitions by column). */
export function storedRecord(record: RunRecord): object {
  let nodes: (NodeRecord | StoredNode)[] = record.nodes;
  // A run without map nodes (most of them, and 100,000-node ones) is written as it is.
  if (record.nodes.some((n) => n.partitions !== undefined))
    nodes = record.nodes.map((n) => {
      if (n.partitions === undefined) return n;
      const { partitions, ...rest } = n;
      return { ...rest, partitionColumns: toColumns(partitions) };
    });
  return { format: RUN_RECORD_FORMAT, ...record, nodes };
}

/**
 * A run record as read from its file, of any format: format 2's partition columns become
 * `partitions` again (malformed columns are left out), so readers see one shape.
 */
export function loadedRecord(stored: unknown): RunRecord {
  const r = stored as RunRecord & { format?: number; nodes: (NodeRecord | StoredNode)[] };
  if (!Array.isArray(r?.nodes)) return r;
  for (const n of r.nodes as StoredNode[]) {
    if (n === null || typeof n !== "object" || !("partitionColumns" in n)) continue;
    const partitions = fromColumns(n.partitionColumns);
    delete n.partitionColumns;
    if (partitions) (n as NodeRecord).partitions = partitions;
  }
  delete r.format;
  return r;
}
