import type { TaskEnv } from "./env.ts";
import type { KfpParam, ParameterType } from "./params.ts";
import { RUN_ID_INPUT, RUN_ID_PLACEHOLDER } from "./params.ts";
import { containerResources } from "./settings.ts";
import type { KfpTask } from "./tasks.ts";

/** Everything the executors share, resolved from the options. */
export interface ExecutorSpec {
  image: string;
  command: string[];
  workingDir: string;
  pipeline: string;
  planHash: string;
  extraArgs: string[];
  vertex: boolean;
  accelerator: string;
}

/** Backoff of KFP's retries: 10 s, doubling, at most an hour between attempts (as Argo's). */
const RETRY_BACKOFF = { backoffDuration: "10s", backoffFactor: 2, backoffMaxDuration: "3600s" };

export const componentName = (t: KfpTask) => `comp-${t.name}`;
export const executorLabel = (t: KfpTask) => `exec-${t.name}`;
/** A launcher placeholder for one of the component's own input parameters (names are identifiers). */
export const input = (name: string) => `{{$.inputs.parameters['${name}']}}`;

/**
 * The component of a task: its input parameters (the run id, and the params its nodes read)
 * and its executor. Data never is an input: it goes through the catalog's storage.
 */
export function component(
  t: KfpTask,
  extra: Record<string, ParameterType> = {},
): Record<string, unknown> {
  return {
    executorLabel: executorLabel(t),
    inputDefinitions: { parameters: inputTypes(t, extra) },
  };
}

/** The input parameters a task's component declares: the run id, its params, and `extra`. */
export function inputTypes(
  t: KfpTask,
  extra: Record<string, ParameterType> = {},
): Record<string, unknown> {
  const parameters: Record<string, unknown> = { [RUN_ID_INPUT]: { parameterType: "STRING" } };
  for (const p of t.params) parameters[p.name] = { parameterType: p.type };
  for (const [name, type] of Object.entries(extra)) parameters[name] = { parameterType: type };
  return parameters;
}

/**
 * The container of a task: `<command> run-node --cwd DIR --pipeline P --node <id> ...
 * --plan-hash H --run-id <KFP run id> <extraArgs> --params <id>=<value> ... <more>`. Params
 * come after extraArgs so the value KFP was given is the one run-node compiles with; `more`
 * (a fan-out's --fan-out or --batch) takes no --params.
 */
export function executor(
  t: KfpTask,
  spec: ExecutorSpec,
  env: TaskEnv,
  more: readonly string[] = [],
): Record<string, unknown> {
  const args = [
    "run-node",
    "--cwd",
    spec.workingDir,
    "--pipeline",
    spec.pipeline,
    ...t.nodes.flatMap((n) => ["--node", n]),
    "--plan-hash",
    spec.planHash,
    "--run-id",
    input(RUN_ID_INPUT),
    ...spec.extraArgs,
    ...t.params.flatMap((p) => ["--params", `${p.id}=${input(p.name)}`]),
    ...more,
  ];
  const resources = containerResources(t.settings.resources, spec.vertex, spec.accelerator);
  return {
    container: {
      image: spec.image,
      command: spec.command,
      args,
      ...(env.plain.length > 0 && { env: env.plain }),
      ...(resources && { resources }),
    },
  };
}

/** The DAG task: its component, what it waits for, its inputs (and `extra`), caching and retries. */
export function dagTask(t: KfpTask, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...dagEntry(t, extra),
    cachingOptions:
      t.cacheKey === undefined
        ? { enableCache: false }
        : { enableCache: true, cacheKey: t.cacheKey },
    ...(t.settings.retries > 0 && {
      retryPolicy: { maxRetryCount: t.settings.retries, ...RETRY_BACKOFF },
    }),
  };
}

/** A DAG task's name, component, upstream tasks, and inputs: the run id, its params, `extra`. */
function dagEntry(t: KfpTask, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    taskInfo: { name: t.display },
    componentRef: { name: componentName(t) },
    ...(t.dependentTasks.length > 0 && { dependentTasks: t.dependentTasks }),
    inputs: {
      parameters: {
        [RUN_ID_INPUT]: { runtimeValue: { constant: RUN_ID_PLACEHOLDER } },
        ...paramInputs(t),
        ...extra,
      },
    },
  };
}

/** A task's params, each read from the enclosing component's input of the same name. */
export function paramInputs(t: KfpTask): Record<string, unknown> {
  return Object.fromEntries(t.params.map((p) => [p.name, { componentInputParameter: p.name }]));
}

/** The root's input parameters: every param that travels, typed, with the compiled value as default. */
export function rootInputs(params: readonly KfpParam[]): Record<string, unknown> | undefined {
  if (params.length === 0) return undefined;
  const parameters: Record<string, unknown> = {};
  for (const p of params)
    parameters[p.name] = {
      parameterType: p.type,
      defaultValue: p.value,
      isOptional: true,
      description: `pipewright param "${p.id}" (run-node checks it against the compiled plan)`,
    };
  return { parameters };
}
