import { CompileError, ErrorCode, type Plan } from "@pipewright/core";
import type { PyValue } from "./python.ts";

/** A runtime param as a DAG param: its compiled value is the default of the trigger form. */
export interface DagParam {
  id: string;
  value: PyValue;
  description: string;
  /** Its JSON Schema, for Airflow's check of a triggered value (run-node checks again with zod). */
  schema: { [key: string]: PyValue };
}

const ID = /^[A-Za-z0-9_.-]+$/;

/**
 * The plan's runtime params, which Airflow's "trigger with config" may change: each task
 * passes the run's value to run-node. Their ids are written inside Jinja expressions, so
 * only ids as `compile()` makes them are accepted.
 */
export function dagParams(plan: Plan): DagParam[] {
  const runtime = plan.params.filter((p) => p.runtime);
  const bad = runtime.filter((p) => !ID.test(p.id));
  if (bad.length > 0) {
    throw new CompileError(
      bad.map((p) => ({
        code: ErrorCode.INVALID_PLAN,
        message: `runtime param ${JSON.stringify(p.id)} has a name outside letters, digits, "_", "." and "-".`,
        path: ["params", p.id],
      })),
    );
  }
  return runtime.map((p) => {
    const { $schema: _, ...schema } = (plan.schemas[p.schemaHash] ?? {}) as Record<string, PyValue>;
    return {
      id: p.id,
      value: (p.value ?? null) as PyValue,
      description: `pipewright runtime param ${p.id}: set it when triggering; each task checks it with its schema`,
      schema,
    };
  });
}
