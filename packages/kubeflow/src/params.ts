import { isDeepStrictEqual } from "node:util";
import type { Plan, PlanParam } from "@pipewright/core";
import YAML from "yaml";
import { paramNames } from "./names.ts";

/** KFP's parameter types (ParameterType.ParameterTypeEnum) that a param can have. */
export type ParameterType =
  | "NUMBER_INTEGER"
  | "NUMBER_DOUBLE"
  | "STRING"
  | "BOOLEAN"
  | "LIST"
  | "STRUCT";

/** The input parameter that carries KFP's run id to `run-node --run-id`. */
export const RUN_ID_INPUT = "pipewright_run_id";
/** A map node's listing task writes its batches to this output; its ParallelFor iterates over them. */
export const BATCHES_PARAM = "pipewright_batches";
/** The ParallelFor's item: one batch, passed to `run-node --batch`. */
export const BATCH_PARAM = "pipewright_batch";
/** Resolved by the KFP driver (and Vertex AI) when it is the whole constant value of a task input. */
export const RUN_ID_PLACEHOLDER = "{{$.pipeline_job_uuid}}";

/** A plan param as a pipeline input parameter. */
export interface KfpParam {
  id: string;
  /** Input parameter name, in the root and in every component that reads it. */
  name: string;
  type: ParameterType;
  value: unknown;
}

/** A param that stays fixed in the image's params, and why. */
export interface FixedParam {
  id: string;
  reason: string;
}

const BY_SCHEMA_TYPE: Record<string, ParameterType> = {
  integer: "NUMBER_INTEGER",
  number: "NUMBER_DOUBLE",
  string: "STRING",
  boolean: "BOOLEAN",
  array: "LIST",
  object: "STRUCT",
};

/** The type from the param's JSON Schema (zod's export), else from its value. */
export function parameterType(
  schema: Record<string, unknown>,
  value: unknown,
): ParameterType | undefined {
  const t = schema.type;
  if (typeof t === "string" && t in BY_SCHEMA_TYPE) return BY_SCHEMA_TYPE[t];
  if (typeof value === "string") return "STRING";
  if (typeof value === "boolean") return "BOOLEAN";
  if (typeof value === "number") return "NUMBER_DOUBLE";
  if (Array.isArray(value)) return "LIST";
  if (value !== null && typeof value === "object") return "STRUCT";
  return undefined;
}

/** The text the KFP launcher puts in place of `{{$.inputs.parameters['x']}}` for a value of this type. */
function launcherText(type: ParameterType, value: unknown): string {
  if (type === "STRING") return value as string;
  return JSON.stringify(value);
}

/** What `run-node --params id=TEXT` reads from TEXT: the CLI's rule (YAML, or the text itself). */
function cliReads(text: string): unknown {
  if (text === "") return "";
  try {
    return YAML.parse(text);
  } catch {
    return text;
  }
}

/** Why the value cannot travel as a KFP parameter of `type` back to run-node unchanged, or undefined. */
function travelProblem(type: ParameterType, value: unknown): string | undefined {
  const ok: Record<ParameterType, boolean> = {
    NUMBER_INTEGER: Number.isSafeInteger(value),
    NUMBER_DOUBLE: typeof value === "number" && Number.isFinite(value),
    STRING: typeof value === "string",
    BOOLEAN: typeof value === "boolean",
    LIST: Array.isArray(value),
    STRUCT: value !== null && typeof value === "object" && !Array.isArray(value),
  };
  if (!ok[type]) return `its value does not have the type ${type} its schema gives`;
  const text = launcherText(type, value);
  if (text.includes("{{")) return 'its value holds "{{", which KFP would read as a placeholder';
  if (!isDeepStrictEqual(cliReads(text), value))
    return "its value, written on the command line, would read back as something else (run-node reads --params values as YAML)";
  return undefined;
}

/**
 * The plan's runtime params (`param(name, schema, { runtime: true })`) as pipeline input
 * parameters, typed from their schemas, with input names that are safe identifiers; and
 * those that cannot travel through KFP unchanged, which stay fixed (run-node reads them from
 * the image's params, as the plan was compiled). Other params are part of the plan hash: a
 * value changed at submit time would make run-node refuse, so they are not inputs at all.
 */
export function kfpParams(plan: Plan): { params: KfpParam[]; fixed: FixedParam[] } {
  const params: KfpParam[] = [];
  const fixed: FixedParam[] = [];
  const runtime = plan.params.filter((p) => p.runtime);
  const names = paramNames(
    runtime.map((p) => p.id),
    [RUN_ID_INPUT, BATCHES_PARAM, BATCH_PARAM],
  );
  for (const p of runtime) {
    const type = parameterType(plan.schemas[p.schemaHash] ?? {}, p.value);
    const reason =
      idProblem(p) ??
      (type ? travelProblem(type, p.value) : "KFP has no parameter type for its value");
    if (reason || !type) fixed.push({ id: p.id, reason: reason ?? "" });
    else params.push({ id: p.id, name: names.get(p.id)!, type, value: p.value });
  }
  return { params, fixed };
}

/** run-node's --params takes dotted key paths only. */
function idProblem(p: PlanParam): string | undefined {
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(p.id)
    ? undefined
    : "its id is not a key path run-node's --params accepts";
}
