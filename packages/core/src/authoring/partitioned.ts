import type { z } from "zod";
import { Dataset, type DatasetOptions } from "./dataset.ts";

/**
 * The value of a partitioned dataset as a node receives it: named partitions, loaded one
 * at a time when asked (a fan-in node over 10,000 daily files holds one in memory at a
 * time if it iterates). Names are sorted.
 *
 * @example
 * run: async ({ daily }) => {
 *   let total = 0;
 *   for await (const [day, rows] of daily) total += rows.length;
 *   return { total };
 * }
 */
export interface Partitions<T> extends AsyncIterable<[name: string, value: T]> {
  /** The partition names, sorted. */
  readonly names: readonly string[];
  readonly size: number;
  has(name: string): boolean;
  /** Loads one partition, validated by the dataset's per-partition schema. */
  get(name: string): Promise<T>;
  /** Loads every partition into one record (all of them in memory at once). */
  toRecord(): Promise<Record<string, T>>;
}

/**
 * A dataset made of named partitions (a folder of files, an S3 prefix): `T` is the value of
 * one partition. Map nodes (`node.map`) run once per partition; a normal node reading it
 * receives the whole collection as `Partitions<T>`. Declare with `partitioned()`.
 */
export class Partitioned<T = unknown> extends Dataset<Partitions<T>> {
  readonly partitioned = true as const;
  /** The schema of one partition. */
  readonly itemSchema: z.ZodType<T>;

  constructor(name: string, itemSchema: z.ZodType<T>, options: DatasetOptions = {}) {
    // The plan describes a partitioned dataset by the schema of one partition (and its
    // `partitioned` flag): that is what is validated, hashed and stored per file.
    super(name, itemSchema as unknown as z.ZodType<Partitions<T>>, options);
    this.itemSchema = itemSchema;
  }

  override withName(name: string): Partitioned<T> {
    return name === this.name ? this : new Partitioned(name, this.itemSchema, this.options);
  }
}

/** Whether a dataset handle is partitioned (checked by tag: a second copy of core may be loaded). */
export function isPartitioned(d: { type: string }): d is Partitioned<unknown> {
  return (d as { partitioned?: unknown }).partitioned === true;
}

/**
 * Declares a partitioned dataset: `schema` validates one partition. In the catalog its
 * `path` (or `uri`) is a folder or prefix; each partition is `<folder>/<name><suffix>` in
 * the entry's format.
 *
 * @example
 * const rawEvents = partitioned("raw_events", z.array(Event)); // data/01_raw/events/2024-01-01.jsonl ...
 */
export function partitioned<S extends z.ZodType>(
  name: string,
  schema: S,
  options?: DatasetOptions,
): Partitioned<z.output<S>> {
  return new Partitioned(name, schema as z.ZodType<z.output<S>>, options);
}

/**
 * An in-memory collection of partitions, for a normal node that writes a partitioned
 * dataset (splitting one file by day, say): the dataset then holds exactly these
 * partitions.
 *
 * @example
 * run: ({ events }) => ({ daily: partitions(Object.groupBy(events, (e) => e.day)) })
 */
export function partitions<T>(
  values: Readonly<Record<string, T>> | ReadonlyMap<string, T>,
): Partitions<T> {
  const map = new Map<string, T>(
    values instanceof Map ? values : Object.entries(values as Record<string, T>),
  );
  const names = [...map.keys()].sort();
  return {
    names,
    size: names.length,
    has: (name) => map.has(name),
    get: async (name) => {
      if (!map.has(name)) throw new RangeError(`no partition "${name}"`);
      return map.get(name)!;
    },
    toRecord: async () => Object.fromEntries(names.map((n) => [n, map.get(n)!])),
    async *[Symbol.asyncIterator]() {
      for (const n of names) yield [n, map.get(n)!];
    },
  };
}

/** Whether a value is a Partitions collection (for the runner, which receives node outputs). */
export function isPartitions(value: unknown): value is Partitions<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as Partitions<unknown>).names) &&
    typeof (value as Partitions<unknown>).get === "function"
  );
}
