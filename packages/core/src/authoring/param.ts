import type { z } from "zod";

/** How a param is given its value. */
export interface ParamOptions {
  /**
   * The value may change when a run is submitted (`argo submit -p`, Airflow's trigger with
   * config) without compiling again. The compiled value is the default; a runtime param
   * stays out of the plan hash and its value is added to the cache key of the nodes that
   * read it when they run. Default false: the value is fixed at compile time.
   */
  runtime?: boolean;
}

/**
 * A node input read from the params file (`conf/params.yaml`). A dotted name reads a
 * nested key: `param("model.test_size", ...)` reads `model: { test_size: ... }`.
 */
export class Param<T = unknown> {
  readonly type = "param" as const;
  constructor(
    readonly name: string,
    readonly schema: z.ZodType<T>,
    readonly runtime = false,
  ) {}

  withName(name: string): Param<T> {
    return name === this.name ? this : new Param(name, this.schema, this.runtime);
  }
}

/**
 * Declares a param. Its value is validated by `schema` at compile time, and for a
 * runtime param again in the task that reads it.
 *
 * @example
 * const testSize = param("model_options.test_size", z.number().min(0).max(1));
 * const day = param("run.day", z.iso.date(), { runtime: true }); // argo submit -p run.day=2026-01-31
 */
export function param<S extends z.ZodType>(
  name: string,
  schema: S,
  options: ParamOptions = {},
): Param<z.output<S>> {
  return new Param(name, schema as z.ZodType<z.output<S>>, options.runtime === true);
}
