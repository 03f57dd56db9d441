import type { z } from "zod";

/**
 * A node input read from the params file (`conf/params.yaml`). A dotted name reads a
 * nested key: `param("model.test_size", ...)` reads `model: { test_size: ... }`.
 */
export class Param<T = unknown> {
  readonly type = "param" as const;
  constructor(
    readonly name: string,
    readonly schema: z.ZodType<T>,
  ) {}

  withName(name: string): Param<T> {
    return name === this.name ? this : new Param(name, this.schema);
  }
}

/**
 * Declares a param. Its value is validated by `schema` at compile time.
 *
 * @example
 * const testSize = param("model_options.test_size", z.number().min(0).max(1));
 */
export function param<S extends z.ZodType>(name: string, schema: S): Param<z.output<S>> {
  return new Param(name, schema as z.ZodType<z.output<S>>);
}
