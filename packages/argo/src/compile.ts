import {
  ErrorCode,
  groupTasks,
  nodeSettings,
  PipewrightError,
  type Plan,
  planHash,
  type TaskSettings as Settings,
} from "@pipewright/core";
import { labelValue } from "./checks.ts";
import { type ContainerSpec, containerTemplate, containerTemplateName } from "./container.ts";
import { dagTemplates } from "./dag.ts";
import { checkSize, checkTemplateCount, toYaml } from "./emit.ts";
import { containerEnv, envTexts } from "./env.ts";
import { needsLbrace } from "./escape.ts";
import { batchTemplate, DEFAULT_MAX_BATCHES, listTemplate, listTemplateName } from "./fan-out.ts";
import { baseNameBudget, manifest } from "./manifest.ts";
import { dnsName } from "./names.ts";
import {
  type ArgoOptions,
  DEFAULT_BACKOFF,
  DEFAULT_COMMAND,
  DEFAULT_MEMO_CONFIGMAP,
  DEFAULT_STARTUP_SECONDS,
  DEFAULT_WORKING_DIR,
} from "./options.ts";
import { MAX_ITEMS, partition } from "./partition.ts";
import { pullSecrets } from "./pod-spec.ts";
import { taskProfiles } from "./profiles.ts";
import { runtimeParams, workflowArguments } from "./runtime.ts";
import { argoTasks } from "./tasks.ts";
import { validateOptions } from "./validate-options.ts";
import { credentialWarnings, localDatasetWarnings } from "./warnings.ts";

const KIND_NAMES = {
  workflow: "Workflow",
  template: "WorkflowTemplate",
  cron: "CronWorkflow",
} as const;

/**
 * Turns a plan into the YAML of an Argo Workflow, WorkflowTemplate or CronWorkflow (Argo
 * v4). Each DAG task runs `pipewright run-node` for its node(s) in `options.image`; the
 * manifest executes nothing by itself. Throws CompileError for bad options or grouping,
 * and MANIFEST_TOO_LARGE when the object would not fit in Kubernetes.
 *
 * @example
 * const yaml = compileArgo(plan, { image: "ghcr.io/acme/spaceflights:1.0", group: { by: "memory" } });
 * writeFileSync("spaceflights.argo.yaml", yaml);
 */
export function compileArgo(plan: Plan, options: ArgoOptions): string {
  validateOptions(options);
  if (plan.nodes.length === 0) {
    throw new PipewrightError(
      ErrorCode.EMPTY_PIPELINE,
      `pipeline ${JSON.stringify(plan.pipeline)} has no nodes: there is nothing for Argo to run.`,
    );
  }
  const kind = options.kind ?? "workflow";
  const hash = planHash(plan);
  const defaults: Settings = {
    resources: options.resources ?? {},
    retries: options.retries ?? 0,
    timeoutSeconds: options.timeoutSeconds ?? null,
  };
  const startupSeconds = options.startupSeconds ?? DEFAULT_STARTUP_SECONDS;
  const groups = groupTasks(plan, options.group);
  const profiles = taskProfiles(plan, groups, options);
  const tasks = argoTasks(
    plan,
    groups,
    nodeSettings(plan.nodes, defaults),
    defaults,
    profiles,
    startupSeconds,
  );
  // A fanned-out map node is two DAG tasks: keep each part within Argo's limit.
  const fanned = tasks.filter((t) => t.listName !== undefined);
  const { main, parts } = partition(tasks, fanned.length > 0 ? MAX_ITEMS / 2 : MAX_ITEMS);
  const fanProfiles = [...new Map(fanned.map((t) => [t.profile.suffix, t.profile])).values()];
  // One container template per group size and pod profile that some task uses.
  const variants = [
    ...new Map(
      // A fanned-out map node uses its own two templates (fan-out.ts).
      tasks
        .filter((t) => t.listName === undefined)
        .map((t) => [`${t.nodes.length}${t.profile.suffix}`, [t.nodes.length, t.profile] as const]),
    ).values(),
  ].sort(([a, p], [b, q]) => a - b || (p.suffix < q.suffix ? -1 : p.suffix > q.suffix ? 1 : 0));
  const what = `the Argo ${KIND_NAMES[kind]} for pipeline ${JSON.stringify(plan.pipeline)} (${plan.nodes.length} nodes in ${tasks.length} tasks)`;
  checkTemplateCount(1 + parts.length + variants.length + 2 * fanProfiles.length, MAX_ITEMS, what);
  const runtime = runtimeParams(plan);

  const pipeline = options.pipeline ?? plan.pipeline;
  const memoize = options.memoize
    ? {
        maxAge: options.memoize.maxAge,
        configMap: options.memoize.configMap ?? DEFAULT_MEMO_CONFIGMAP,
      }
    : undefined;
  const lbrace = needsLbrace([
    pipeline,
    ...(options.command ?? []),
    ...(options.extraArgs ?? []),
    ...envTexts(options),
    ...plan.order,
    ...plan.params.filter((p) => p.runtime).map((p) => p.id),
  ]);
  const container: ContainerSpec = {
    image: options.image,
    workingDir: options.workingDir ?? DEFAULT_WORKING_DIR,
    command: options.command ?? DEFAULT_COMMAND,
    pipeline,
    planHash: hash,
    extraArgs: options.extraArgs ?? [],
    env: containerEnv(options, lbrace),
    defaults,
    retriesVary: tasks.some((t) => t.settings.retries !== defaults.retries),
    patched: tasks.some((t) => t.patch !== undefined),
    memoize,
    backoff: { ...DEFAULT_BACKOFF, ...options.retryBackoff },
    startupSeconds,
    runtime,
  };
  const imagePullSecrets = pullSecrets(profiles.all.map((p) => p.pod));
  const spec = {
    entrypoint: main.name,
    ...(runtime.length > 0 && { arguments: workflowArguments(runtime) }),
    ...(options.serviceAccountName !== undefined && {
      serviceAccountName: options.serviceAccountName,
    }),
    ...(imagePullSecrets.length > 0 && { imagePullSecrets }),
    ...(options.parallelism !== undefined && { parallelism: options.parallelism }),
    ...(options.artifactRepositoryRef !== undefined && {
      artifactRepositoryRef: options.artifactRepositoryRef,
    }),
    templates: [
      ...dagTemplates(main, parts, tasks, { defaults, retriesVary: container.retriesVary }),
      ...variants.map(([size, profile]) => containerTemplate(size, profile, container)),
      ...fanProfiles.flatMap((profile) => [
        listTemplate(profile, container, options.fanOut?.maxBatches ?? DEFAULT_MAX_BATCHES),
        batchTemplate(profile, container),
      ]),
    ],
  };
  const longest = Math.max(
    ...variants.map(([s, p]) => containerTemplateName(s, p.suffix).length),
    ...fanProfiles.map((p) => listTemplateName(p.suffix).length),
  );
  const doc = manifest(
    {
      kind,
      name: dnsName(options.name ?? plan.pipeline, baseNameBudget(kind, longest), "pipewright"),
      labels: {
        "app.kubernetes.io/managed-by": "pipewright",
        "pipewright.dev/pipeline": labelValue(pipeline)
          ? dnsName(pipeline, 63, "pipeline")
          : pipeline,
        ...options.labels,
      },
      annotations: { "pipewright.dev/plan-hash": hash, ...options.annotations },
      spec,
    },
    options,
  );
  // Kubernetes stores the object as JSON: that is the size that counts.
  const json = JSON.stringify(doc);
  checkSize(json, what);
  const header = [
    `Generated by pipewright from pipeline ${JSON.stringify(plan.pipeline)} (plan ${hash.slice(0, 12)}).`,
    "Regenerate it with `pipewright compile --target argo`; edits here are lost.",
    ...localDatasetWarnings(plan, tasks),
    ...credentialWarnings(profiles.unmapped),
  ];
  return toYaml(doc, json, header);
}
