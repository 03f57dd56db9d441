import type { z } from "zod";

export interface DatasetOptions {
  /** Shown by `pipewright ls` and in the viz panel. */
  description?: string;
  /**
   * "metrics": a small record of numbers a node reports (accuracy, r2 ...); the runner
   * copies it into the run record so `runs diff` can compare runs.
   */
  kind?: "data" | "metrics";
}

/**
 * A named, typed dataset. Nodes read and write datasets; where the data lives is the
 * catalog's business. `T` is what a node receives and must return.
 */
export class Dataset<T = unknown> {
  readonly type = "dataset" as const;
  constructor(
    readonly name: string,
    readonly schema: z.ZodType<T>,
    readonly options: DatasetOptions = {},
  ) {}

  /** The same dataset under another name (used by namespacing). */
  withName(name: string): Dataset<T> {
    return name === this.name ? this : new Dataset(name, this.schema, this.options);
  }
}

/**
 * Declares a dataset.
 *
 * @example
 * const companies = dataset("companies", z.array(z.object({ id: z.number(), rating: z.number() })));
 */
export function dataset<S extends z.ZodType>(
  name: string,
  schema: S,
  options?: DatasetOptions,
): Dataset<z.output<S>> {
  return new Dataset(name, schema as z.ZodType<z.output<S>>, options);
}

/**
 * Declares a metrics dataset: a record of numbers recorded with every run.
 *
 * @example
 * const scores = metrics("scores", z.object({ r2: z.number() }));
 */
export function metrics<S extends z.ZodType>(
  name: string,
  schema: S,
  options?: Omit<DatasetOptions, "kind">,
): Dataset<z.output<S>> {
  return new Dataset(name, schema as z.ZodType<z.output<S>>, { ...options, kind: "metrics" });
}
