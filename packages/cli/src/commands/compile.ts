import { resolve } from "node:path";
import {
  didYouMean,
  ErrorCode,
  type GroupBy,
  type GroupingOptions,
  PipewrightError,
  type Plan,
  planHash,
  serializePlan,
} from "@pipewright/core";
import {
  type Command,
  ENV_OPTION,
  JSON_OPTION,
  PARAMS_OPTION,
  PIPELINE_OPTION,
  str,
  strings,
} from "../command.ts";
import { localDataWarnings, sharedFolders } from "../engine-warnings.ts";
import { type Environment, resolveEnvironment } from "../environment.ts";
import { UsageError } from "../errors.ts";
import { type Io, json, plural, writeFileAtomic } from "../output.ts";
import { type Compiled, compileProject, loadProject, type Project } from "../project.ts";
import { useProjectHashMemo } from "../run-support.ts";

const TARGETS = ["local", "argo", "airflow", "kubeflow"] as const;

/**
 * run-node must compile the same plan as this compile: the target's own extraArgs, then
 * the --params overrides, then the environment (always named, so a PIPEWRIGHT_ENV set in
 * the pod cannot change the plan). Overrides of runtime params are left out: their value
 * is the default of the engine's run parameter instead, and an argument here would win
 * over what is given at submit time. A malformed extraArgs is passed as is for the
 * adapter to report.
 */
function extraArgs(
  configured: unknown,
  plan: Plan,
  overrides: readonly string[],
  env: Environment,
): unknown {
  const runtime = plan.params.filter((p) => p.runtime).map((p) => p.id);
  const path = (o: string) => o.slice(0, Math.max(0, o.indexOf("="))).trim();
  const fixed = overrides
    .filter((o) => !runtime.some((id) => path(o) === id || path(o).startsWith(`${id}.`)))
    .flatMap((o) => ["--params", o]);
  fixed.push("--env", env.name);
  if (configured === undefined) return fixed;
  return Array.isArray(configured) ? [...configured, ...fixed] : configured;
}

function grouping(values: Record<string, unknown>) {
  const by = str(values.group as string) as GroupBy | undefined;
  const tags = strings(values["group-tags"] as string[]);
  return by ? { by, ...(tags.length && { tags }) } : undefined;
}

async function emit(
  target: string,
  project: Project,
  compiled: Compiled,
  values: Record<string, unknown>,
  overrides: string[],
): Promise<string> {
  const plan: Plan = compiled.plan;
  const group = grouping(values);
  // Engines name the workflow/DAG after the project (and the pipeline, unless it is the default).
  const engineName =
    compiled.name === "__default__" ? project.name : `${project.name}-${compiled.name}`;
  const common: Record<string, unknown> = {
    pipeline: compiled.name,
    ...(group && { group }),
  };
  const image = str(values.image as string);
  if (target === "local") return serializePlan(plan);
  if (target === "argo") {
    const { compileArgo } = await import("@pipewright/argo");
    const defaults = (project.config.targets?.argo ?? {}) as Record<string, unknown>;
    common.extraArgs = extraArgs(defaults.extraArgs, plan, overrides, compiled.env);
    const kind = str(values.kind as string);
    const schedules = strings(values.schedule as string[]);
    const options = {
      name: engineName,
      ...defaults,
      ...common,
      ...(kind && { kind }),
      ...(image && { image }),
      ...(schedules.length && { schedules }),
    };
    if (typeof options.image !== "string") {
      throw new UsageError(
        "--target argo needs an image: pass --image or set targets.argo.image in pipewright.config.ts.",
      );
    }
    return compileArgo(plan, options as Parameters<typeof compileArgo>[1]);
  }
  if (target === "kubeflow") {
    const { compileKubeflow } = await import("@pipewright/kubeflow");
    const defaults = (project.config.targets?.kubeflow ?? {}) as Record<string, unknown>;
    common.extraArgs = extraArgs(defaults.extraArgs, plan, overrides, compiled.env);
    const engine = str(values.engine as string);
    const options = {
      name: engineName,
      ...defaults,
      ...common,
      ...(engine && { engine }),
      ...(image && { image }),
    };
    if (typeof options.image !== "string") {
      throw new UsageError(
        "--target kubeflow needs an image: pass --image or set targets.kubeflow.image in pipewright.config.ts.",
      );
    }
    return compileKubeflow(plan, options as Parameters<typeof compileKubeflow>[1]);
  }
  const { compileAirflow } = await import("@pipewright/airflow");
  const defaults = (project.config.targets?.airflow ?? {}) as Record<string, unknown>;
  common.extraArgs = extraArgs(defaults.extraArgs, plan, overrides, compiled.env);
  const version = str(values["airflow-version"] as string);
  const operator = str(values.operator as string);
  const [schedule, ...more] = strings(values.schedule as string[]);
  if (more.length > 0) throw new UsageError("--target airflow takes one --schedule.");
  const options = {
    dagId: engineName,
    ...defaults,
    ...common,
    ...(version && { airflowVersion: Number(version) }),
    ...(operator && { operator }),
    ...(schedule && { schedule }),
    ...(image && { image }),
    ...(operator === "bash" && defaults.projectDir === undefined && { projectDir: project.root }),
  };
  return compileAirflow(plan, options as Parameters<typeof compileAirflow>[1]);
}

export const compileCommand: Command = {
  name: "compile",
  summary:
    "Compile a pipeline to a local plan (JSON), an Argo Workflows manifest, an Airflow DAG file or a Kubeflow Pipelines file.",
  usage:
    "pipewright compile --target local|argo|airflow|kubeflow [--pipeline NAME] [--out FILE] [options]",
  options: {
    target: {
      type: "string",
      short: "t",
      value: "local|argo|airflow|kubeflow",
      description: "What to emit (default: local, the plan JSON).",
    },
    ...PIPELINE_OPTION,
    out: {
      type: "string",
      short: "o",
      value: "FILE",
      description: "Write to FILE (atomically) instead of stdout.",
    },
    ...PARAMS_OPTION,
    env: {
      ...ENV_OPTION.env,
      description:
        "Configuration environment: conf/NAME/ laid over conf/base/ (default: $PIPEWRIGHT_ENV, else local; for argo/airflow, base). Engine tasks run with the same one.",
    },
    image: {
      type: "string",
      value: "IMAGE",
      description: "argo/airflow/kubeflow: the container image holding the project.",
    },
    kind: {
      type: "string",
      value: "workflow|template|cron",
      choices: ["workflow", "template", "cron"],
      description: "argo: the kind of manifest (default workflow).",
    },
    "airflow-version": {
      type: "string",
      value: "2|3",
      choices: ["2", "3"],
      description: "airflow: target Airflow 3 (default) or 2.",
    },
    engine: {
      type: "string",
      value: "kubeflow|vertex",
      choices: ["kubeflow", "vertex"],
      description: "kubeflow: the KFP API server (default) or Vertex AI Pipelines.",
    },
    operator: {
      type: "string",
      value: "kubernetes|bash",
      choices: ["kubernetes", "bash"],
      description: "airflow: KubernetesPodOperator (default) or BashOperator.",
    },
    schedule: {
      type: "string",
      multiple: true,
      commas: false,
      value: "CRON",
      description:
        'argo --kind cron: a schedule such as "0 3 * * *" (repeatable); airflow: the DAG schedule.',
    },
    group: {
      type: "string",
      value: "node|namespace|tag|memory",
      choices: ["node", "namespace", "tag", "memory"],
      description: "argo/airflow/kubeflow: how nodes are packed into tasks (default node).",
    },
    "group-tags": {
      type: "string",
      multiple: true,
      value: "TAG",
      description: "With --group tag: the tags that form tasks, in priority order.",
    },
    ...JSON_OPTION,
  },
  examples: [
    "pipewright compile --target local --out out/plan.json",
    'pipewright compile --target argo --kind cron --schedule "0 3 * * *" --out out/cron.yaml',
    "pipewright compile --target airflow --airflow-version 2 --out dags/spaceflights.py",
    "pipewright compile --target kubeflow --group memory --out spaceflights.kfp.yaml",
  ],
  async run({ values }, io: Io) {
    const target = str(values.target) ?? "local";
    if (!(TARGETS as readonly string[]).includes(target)) {
      throw new PipewrightError(
        ErrorCode.UNKNOWN_TARGET,
        `unknown target "${target}".${didYouMean(target, TARGETS)} Targets: ${TARGETS.join(", ")}.`,
      );
    }
    // Compile hashes schemas and node keys, but no data.
    useProjectHashMemo(io.cwd);
    const project = await loadProject(io.cwd);
    const overrides = strings(values.params);
    // Engine tasks run in an image that should not carry conf/local: unless an environment
    // is named, they compile (here and in the pod) with conf/base alone.
    const named = str(values.env) ?? (io.env.PIPEWRIGHT_ENV || undefined);
    const env = resolveEnvironment(
      project.root,
      named ?? (target === "local" ? undefined : "base"),
      io.env,
    );
    const compiled = await compileProject(project, {
      pipeline: str(values.pipeline),
      overrides,
      env,
    });
    const text = await emit(target, project, compiled, values, overrides);
    const targetOptions = project.config.targets?.[target as "argo" | "airflow" | "kubeflow"];
    const warnings =
      target === "local"
        ? []
        : localDataWarnings(
            compiled.plan,
            grouping(values) ?? (targetOptions?.group as GroupingOptions) ?? {},
            sharedFolders(targetOptions),
          );
    const out = str(values.out);
    if (out) writeFileAtomic(resolve(io.cwd, out), text);
    const summary = {
      target,
      pipeline: compiled.name,
      env: compiled.env.name,
      planHash: planHash(compiled.plan),
      nodes: compiled.plan.nodes.length,
      out: out ?? null,
      warnings,
    };
    for (const w of warnings)
      io.err(`${io.colours.yellow("warning")} ${io.colours.dim(`[${w.code}]`)} ${w.message}\n`);
    if (values.json) io.out(json(out ? summary : { ...summary, text }));
    else if (out)
      io.err(
        `${io.colours.green("✓")} ${target}: ${compiled.name} (${plural(summary.nodes, "node")}) → ${out}\n`,
      );
    else io.out(text);
    return 0;
  },
};
