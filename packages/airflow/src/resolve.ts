import {
  CompileError,
  credentialSecretsIssues,
  ErrorCode,
  type Issue,
  type Plan,
  podConfigIssues,
} from "@pipewright/core";
import { resolveEnvironment } from "./environment.ts";
import { dagIdFor, MAX_KEY } from "./names.ts";
import type { AirflowOptions, ResolvedOptions } from "./options.ts";

const DAG_ID = /^[A-Za-z0-9_.-]+$/;
/** Airflow's default `[core] max_map_length`: a mapped task may expand to this many instances. */
export const MAX_MAP_LENGTH = 1024;
const PRESETS = new Set([
  "@once",
  "@continuous",
  "@hourly",
  "@daily",
  "@midnight",
  "@weekly",
  "@monthly",
  "@quarterly",
  "@yearly",
  "@annually",
]);
const CRON_FIELD = /^[A-Za-z0-9*?,/#-]+$/;

const isString = (v: unknown): v is string => typeof v === "string";
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/**
 * Checks every option and applies defaults. All problems are reported together in one
 * CompileError (code ADAPTER_OPTION), each naming the option and what to write instead.
 */
export function resolveOptions(plan: Plan, options: AirflowOptions): ResolvedOptions {
  const issues: Issue[] = [];
  const bad = (field: string, message: string) =>
    issues.push({
      code: ErrorCode.ADAPTER_OPTION,
      message: `airflow option ${field}: ${message}`,
      path: ["airflow", field],
    });

  const version = options.airflowVersion ?? 3;
  if (version !== 2 && version !== 3)
    bad("airflowVersion", `must be 2 or 3, got ${JSON.stringify(version)}`);
  const operator = options.operator ?? "kubernetes";
  if (operator !== "kubernetes" && operator !== "bash")
    bad("operator", `must be "kubernetes" or "bash", got ${JSON.stringify(operator)}`);
  const kube = operator === "kubernetes";

  const text = (field: string, value: unknown): string | null => {
    if (value === undefined || value === null) return null;
    if (!isString(value) || value.length === 0) {
      bad(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
      return null;
    }
    return value;
  };
  const image = text("image", options.image);
  if (kube && image === null && options.image === undefined) {
    bad(
      "image",
      "is required with the kubernetes operator: give the image that holds the project (e.g. --image registry.example.com/my-project:1.2.0)",
    );
  }
  const projectDir = text("projectDir", options.projectDir);
  if (!kube && projectDir === null && options.projectDir === undefined) {
    bad(
      "projectDir",
      "is required with the bash operator: give the project folder as the Airflow worker sees it",
    );
  }
  const pipeline = text("pipeline", options.pipeline) ?? plan.pipeline;

  let dagId = dagIdFor(plan.pipeline);
  if (options.dagId !== undefined) {
    if (!isString(options.dagId) || !DAG_ID.test(options.dagId) || options.dagId.length > MAX_KEY) {
      bad(
        "dagId",
        `${JSON.stringify(options.dagId)} is not a valid Airflow dag_id: use letters, digits, "_", "." and "-", at most ${MAX_KEY} characters`,
      );
    } else dagId = options.dagId;
  }

  const command = options.command ?? ["pipewright"];
  if (!isStringArray(command) || command.length === 0 || command[0] === "") {
    bad("command", `must be a non-empty list of strings, such as ["pipewright"]`);
  }
  const extraArgs = options.extraArgs ?? [];
  if (!isStringArray(extraArgs)) bad("extraArgs", "must be a list of strings");

  const { env, secrets } = resolveEnvironment(options, kube, bad);
  for (const field of ["pod", "credentials"] as const) {
    if (options[field] === undefined) continue;
    if (!kube) {
      bad(
        field,
        "needs the kubernetes operator (pods); with bash, the Airflow worker is the machine",
      );
      continue;
    }
    const found =
      field === "pod"
        ? podConfigIssues(options.pod, ["airflow", "pod"])
        : credentialSecretsIssues(options.credentials, ["airflow", "credentials"]);
    issues.push(...found);
  }
  if (kube && options.pod !== undefined) {
    // KubernetesPodOperator renders node_selector, volumes and env_from as Jinja templates.
    for (const [path, text] of stringsIn(options.pod, "pod")) {
      if (!/\.env\./.test(path) && /\{[{%#]/.test(text))
        bad(
          path,
          `${JSON.stringify(text)} contains a Jinja marker ({{, {% or {#), which Airflow would render`,
        );
    }
  }

  const schedule = options.schedule ?? null;
  if (schedule !== null && !validSchedule(schedule)) {
    bad(
      "schedule",
      `${JSON.stringify(schedule)} is neither a cron expression ("0 3 * * *") nor a preset (${[...PRESETS].join(", ")})`,
    );
  }
  const startDate = parseDate(options.startDate ?? "2024-01-01");
  if (!startDate)
    bad("startDate", `${JSON.stringify(options.startDate)} is not a date written YYYY-MM-DD`);

  const tags = options.tags ?? ["pipewright"];
  if (!isStringArray(tags) || tags.some((t) => t.length === 0 || t.length > 100)) {
    bad("tags", "must be a list of strings of 1 to 100 characters (Airflow's limit)");
  }
  const count = (field: string, value: unknown, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      bad(field, `must be an integer >= ${min}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  };
  const seconds = (field: string, value: unknown): number | null => {
    if (value === undefined || value === null) return null;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      bad(field, `must be a positive number of seconds, got ${JSON.stringify(value)}`);
      return null;
    }
    return value;
  };
  const onFinishAction = options.onFinishAction ?? "delete_pod";
  if (!["delete_pod", "keep_pod", "delete_succeeded_pod"].includes(onFinishAction)) {
    bad(
      "onFinishAction",
      `must be "delete_pod", "keep_pod" or "delete_succeeded_pod", got ${JSON.stringify(onFinishAction)}`,
    );
  }
  const flag = (field: string, value: unknown, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      bad(field, "must be true or false");
      return fallback;
    }
    return value;
  };
  if (options.catchup !== undefined && typeof options.catchup !== "boolean")
    bad("catchup", "must be true or false");

  const resolved: ResolvedOptions = {
    version,
    operator,
    pipeline,
    dagId,
    image,
    namespace: text("namespace", options.namespace),
    serviceAccountName: text("serviceAccountName", options.serviceAccountName),
    projectDir,
    command,
    extraArgs,
    env,
    secrets,
    schedule,
    startDate: startDate ?? [2024, 1, 1],
    catchup: options.catchup ?? false,
    tags: [...new Set(isStringArray(tags) ? tags : [])],
    maxActiveTasks: count("maxActiveTasks", options.maxActiveTasks, 16, 1),
    retries: count("retries", options.retries, 0, 0),
    retryDelaySeconds: seconds("retryDelaySeconds", options.retryDelaySeconds) ?? 300,
    retryExponentialBackoff: flag("retryExponentialBackoff", options.retryExponentialBackoff, true),
    maxRetryDelaySeconds: seconds("maxRetryDelaySeconds", options.maxRetryDelaySeconds),
    timeoutSeconds: seconds("timeoutSeconds", options.timeoutSeconds),
    startupSeconds: count("startupSeconds", options.startupSeconds, 300, 0),
    pod: options.pod,
    credentials: options.credentials,
    pool: text("pool", options.pool),
    queue: text("queue", options.queue),
    onFinishAction,
    group: options.group ?? {},
    maxBatches: count("fanOut.maxBatches", options.fanOut?.maxBatches, 100, 1),
  };
  if (resolved.maxBatches > MAX_MAP_LENGTH)
    bad(
      "fanOut.maxBatches",
      `must be at most ${MAX_MAP_LENGTH} (Airflow's default max_map_length), got ${resolved.maxBatches}`,
    );
  CompileError.throwIfAny(issues);
  return resolved;
}

function validSchedule(schedule: unknown): boolean {
  if (!isString(schedule)) return false;
  if (schedule.startsWith("@")) return PRESETS.has(schedule);
  if (schedule !== schedule.trim()) return false;
  const fields = schedule.split(/[ \t]+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => CRON_FIELD.test(f));
}

function parseDate(text: unknown): [number, number, number] | undefined {
  if (!isString(text)) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    y < 1
  )
    return undefined;
  return [y, mo, d];
}

/** Every string inside a value, with its dotted path. */
function stringsIn(value: unknown, path: string): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => stringsIn(v, `${path}.${k}`));
}
