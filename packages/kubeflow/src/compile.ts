import {
  CompileError,
  ErrorCode,
  groupTasks,
  nodeSettings,
  PipewrightError,
  type Plan,
  planHash,
  type TaskSettings as Settings,
} from "@pipewright/core";
import pkg from "../package.json" with { type: "json" };
import { LARGE_SPEC_BYTES, toYaml } from "./emit.ts";
import { taskEnv } from "./env.ts";
import { displayText } from "./escape.ts";
import { DEFAULT_MAX_BATCHES, type FanOutParts, fanOutParts } from "./fan-out.ts";
import { checkLocalDatasets } from "./local.ts";
import { pipelineName } from "./names.ts";
import {
  DEFAULT_ACCELERATOR,
  DEFAULT_COMMAND,
  DEFAULT_WORKING_DIR,
  type KubeflowOptions,
} from "./options.ts";
import { kfpParams } from "./params.ts";
import { executorConfig } from "./platform.ts";
import { type ResolvedPod, resolvePod } from "./pod-resolve.ts";
import { checkNodeIds, checkVolumes } from "./preflight.ts";
import { component, componentName, dagTask, executor, executorLabel, rootInputs } from "./spec.ts";
import { kfpTasks } from "./tasks.ts";
import { validateOptions } from "./validate-options.ts";

/** The KFP pipeline schema this file follows (what KFP SDK 2.x writes, which Vertex AI reads). */
export const SCHEMA_VERSION = "2.1.0";
export const SDK_VERSION = `pipewright-${pkg.version}`;

/**
 * Turns a plan into a Kubeflow Pipelines v2 pipeline file (YAML) that the KFP API server and
 * Vertex AI Pipelines accept. Each task group gets a component and an executor whose
 * container runs `pipewright run-node` for its nodes in `options.image`; the DAG follows the
 * plan's edges; the plan's params become typed pipeline parameters; data moves through the
 * catalog's storage, never through KFP artifacts. On Kubeflow, a second document (the
 * Kubernetes platform spec) carries secrets, volumes, scheduling and deadlines.
 * Throws CompileError for bad options, names or quantities, for data that could not travel
 * between pods, and whatever `groupTasks` raises (MEMORY_CROSSES_TASK, CYCLE).
 *
 * @example
 * const yaml = compileKubeflow(plan, { image: "ghcr.io/acme/spaceflights:1.0", group: { by: "memory" } });
 * writeFileSync("spaceflights.kfp.yaml", yaml);
 */
export function compileKubeflow(plan: Plan, options: KubeflowOptions): string {
  validateOptions(options);
  if (plan.nodes.length === 0)
    throw new PipewrightError(
      ErrorCode.EMPTY_PIPELINE,
      `pipeline ${JSON.stringify(plan.pipeline)} has no nodes: there is nothing for Kubeflow to run.`,
    );
  checkNodeIds(plan);
  const vertex = options.engine === "vertex";
  const defaults: Settings = {
    resources: options.resources ?? {},
    retries: options.retries ?? 0,
    timeoutSeconds: options.timeoutSeconds ?? null,
  };
  const settings = nodeSettings(plan.nodes, defaults);
  const { params, fixed } = kfpParams(plan);
  const tasks = kfpTasks(
    plan,
    groupTasks(plan, options.group),
    settings,
    params,
    Boolean(options.kfpCache),
  );
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const pods = new Map<string, ResolvedPod>(
    tasks.map((t) => [
      t.name,
      resolvePod(
        options.pod,
        t.nodes.map((n) => byId.get(n)!),
      ),
    ]),
  );
  checkVolumes(pods);
  const workingDir = options.workingDir ?? DEFAULT_WORKING_DIR;
  checkLocalDatasets(plan, tasks, pods, workingDir);
  const accelerator = options.accelerator ?? (vertex ? undefined : DEFAULT_ACCELERATOR);
  if (accelerator === undefined && tasks.some((t) => t.settings.resources.gpu))
    throw new CompileError([
      {
        code: ErrorCode.ADAPTER_OPTION,
        message:
          'kubeflow option accelerator is required on Vertex AI when nodes ask for GPUs: the accelerator type, e.g. "NVIDIA_TESLA_T4" or "NVIDIA_L4".',
        path: ["kubeflow", "accelerator"],
      },
    ]);

  const hash = planHash(plan);
  const shared = {
    image: options.image,
    command: options.command ?? DEFAULT_COMMAND,
    workingDir,
    pipeline: options.pipeline ?? plan.pipeline,
    planHash: hash,
    extraArgs: options.extraArgs ?? [],
    vertex,
    accelerator: accelerator ?? DEFAULT_ACCELERATOR,
  };
  const components: Record<string, unknown> = {};
  const executors: Record<string, unknown> = {};
  const dag: Record<string, unknown> = {};
  const platform: Record<string, unknown> = {};
  const fanOut = {
    maxBatches: options.fanOut?.maxBatches ?? DEFAULT_MAX_BATCHES,
    parallelism: options.fanOut?.parallelism,
  };
  for (const t of tasks) {
    const pod = pods.get(t.name)!;
    const env = taskEnv(options, pod.env);
    const parts: FanOutParts = t.fanOut
      ? fanOutParts({ ...t, fanOut: t.fanOut }, shared, env, fanOut)
      : {
          components: { [componentName(t)]: component(t) },
          executors: { [executorLabel(t)]: executor(t, shared, env) },
          tasks: { [t.name]: dagTask(t) },
        };
    Object.assign(components, parts.components);
    Object.assign(executors, parts.executors);
    Object.assign(dag, parts.tasks);
    const config = vertex ? undefined : executorConfig(pod, env, t.settings.timeoutSeconds);
    if (config) for (const label of Object.keys(parts.executors)) platform[label] = config;
  }
  const inputs = rootInputs(params);
  const displayName = options.name ?? plan.pipeline;
  const spec = {
    pipelineInfo: {
      name: pipelineName(displayName),
      displayName: displayText(displayName).slice(0, 1024),
      description: displayText(
        options.description ??
          `pipewright pipeline ${JSON.stringify(plan.pipeline)}: ${plan.nodes.length} nodes in ${tasks.length} tasks, plan ${hash.slice(0, 12)}.`,
      ).slice(0, 1024),
    },
    sdkVersion: SDK_VERSION,
    schemaVersion: SCHEMA_VERSION,
    ...(options.pipelineRoot !== undefined && { defaultPipelineRoot: options.pipelineRoot }),
    components,
    deploymentSpec: { executors },
    root: { dag: { tasks: dag }, ...(inputs && { inputDefinitions: inputs }) },
  };
  const bytes = Buffer.byteLength(JSON.stringify(spec));
  const header = [
    `Generated by pipewright from pipeline ${JSON.stringify(plan.pipeline)} (plan ${hash.slice(0, 12)}) for ${vertex ? "Vertex AI Pipelines" : "Kubeflow Pipelines"}.`,
    "Regenerate it with `pipewright compile --target kubeflow`; edits here are lost.",
    ...(fixed.length > 0
      ? [
          "These params are not pipeline parameters; run-node reads them from the image's params:",
          ...fixed.map((f) => `  ${JSON.stringify(f.id)}: ${f.reason}`),
        ]
      : []),
    ...(!vertex && bytes > LARGE_SPEC_BYTES
      ? [
          `Warning: this pipeline is ${(bytes / 1e6).toFixed(2)} MB as JSON; Kubeflow runs it as one Argo Workflow, which Kubernetes may refuse past ~1 MB.`,
          'Run several nodes per task with the group option (group: { by: "namespace" }, "tag" or "memory").',
        ]
      : []),
  ];
  const platformSpec =
    Object.keys(platform).length > 0
      ? { platforms: { kubernetes: { deploymentSpec: { executors: platform } } } }
      : undefined;
  return toYaml(spec, platformSpec, header);
}
