/**
 * A TEST HARNESS, not an engine: a small interpreter of the Argo manifests pipewright
 * emits, so tests can execute them without a cluster. It runs each task's container as
 * its own process in a fresh copy of the project (see pod.ts) and models what those
 * manifests rely on: DAG templates (nested), `depends` of the form "a && b", workflow and
 * input parameters with default values, `{{workflow.uid}}`, podSpecPatch's
 * activeDeadlineSeconds, retryStrategy limits (backoff durations are recorded, not
 * waited), and per-task parallelism. Anything else (expressions, `when`, loops, steps,
 * artifacts) makes it throw rather than guess. memoize is not modelled: every task runs.
 */
import { randomUUID } from "node:crypto";
import YAML from "yaml";
import { type Attempt, type Cluster, runPod } from "./pod.ts";
import { dependsOn, type Scope, substitute, substituteAll } from "./template.ts";

type Doc = Record<string, any>;

export type Phase = "Succeeded" | "Failed" | "Omitted";

/** One DAG task that ran a container: every attempt, and the backoff Argo would wait between them. */
export interface TaskRun {
  /** Path of DAG task names, e.g. "main/part-2/clean". */
  path: string;
  template: string;
  phase: Phase;
  attempts: Attempt[];
  /** Durations Argo would wait before each retry, as strings such as "10s". */
  backoff: string[];
}

export interface WorkflowRun {
  uid: string;
  phase: "Succeeded" | "Failed";
  tasks: TaskRun[];
}

/** Workflow parameters given at submit time (`argo submit -p name=value`). */
export interface Submit {
  parameters?: Record<string, string>;
  /** Pods running at once (default: spec.parallelism, else 2). */
  parallelism?: number;
}

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** Executes a Workflow (or the spec of a WorkflowTemplate or CronWorkflow) to the end. */
export async function runWorkflow(
  text: string,
  cluster: Cluster,
  submit: Submit = {},
): Promise<WorkflowRun> {
  const doc = YAML.parse(text, { version: "1.1" }) as Doc;
  const spec: Doc = doc.kind === "CronWorkflow" ? doc.spec.workflowSpec : doc.spec;
  const templates = new Map<string, Doc>(spec.templates.map((t: Doc) => [t.name, t]));
  const uid = randomUUID();
  const globals = new Map<string, string>([
    ["workflow.uid", uid],
    ["workflow.name", `${doc.metadata.generateName ?? `${doc.metadata.name}-`}${uid.slice(0, 5)}`],
  ]);
  const declared = new Set<string>();
  for (const p of spec.arguments?.parameters ?? []) {
    declared.add(p.name);
    if (p.value !== undefined) globals.set(`workflow.parameters.${p.name}`, String(p.value));
  }
  for (const [name, value] of Object.entries(submit.parameters ?? {})) {
    if (!declared.has(name))
      throw new Error(`argo submit -p ${name}: the workflow has no such parameter`);
    globals.set(`workflow.parameters.${name}`, value);
  }
  const limit = new Semaphore(submit.parallelism ?? spec.parallelism ?? 2);
  const tasks: TaskRun[] = [];
  let pods = 0;

  const scopeOf = (template: Doc, inputs: ReadonlyMap<string, string>, where: string): Scope => {
    const scope = new Map(globals);
    for (const p of template.inputs?.parameters ?? []) {
      const value = inputs.get(p.name) ?? p.value ?? p.default;
      if (value === undefined) throw new Error(`${where}: input parameter ${p.name} has no value`);
      scope.set(`inputs.parameters.${p.name}`, String(value));
    }
    return scope;
  };

  async function runTemplate(
    name: string,
    inputs: Map<string, string>,
    path: string,
  ): Promise<boolean> {
    const template = templates.get(name);
    if (!template) throw new Error(`${path}: template ${name} does not exist`);
    const scope = scopeOf(template, inputs, path);
    if (template.dag) return runDag(template, scope, path);
    if (template.container) return runContainer(template, scope, path);
    throw new Error(
      `${path}: template ${name} is neither a dag nor a container, which is not modelled`,
    );
  }

  async function runDag(template: Doc, scope: Scope, path: string): Promise<boolean> {
    const list: Doc[] = template.dag.tasks;
    const done = new Map<string, Promise<boolean>>();
    const byName = new Map(list.map((t) => [t.name, t]));
    const start = (task: Doc): Promise<boolean> => {
      const known = done.get(task.name);
      if (known) return known;
      for (const key of [
        "when",
        "withItems",
        "withParam",
        "withSequence",
        "dependencies",
        "continueOn",
      ])
        if (key in task) throw new Error(`${path}/${task.name}: "${key}" is not modelled`);
      const run = (async () => {
        const ups = dependsOn(task.depends, `${path}/${task.name}`);
        const results = await Promise.all(
          ups.map((u) => {
            const up = byName.get(u);
            if (!up) throw new Error(`${path}/${task.name}: depends on unknown task ${u}`);
            return start(up);
          }),
        );
        if (!results.every(Boolean)) {
          tasks.push({
            path: `${path}/${task.name}`,
            template: task.template,
            phase: "Omitted",
            attempts: [],
            backoff: [],
          });
          return false;
        }
        const args = new Map<string, string>(
          (task.arguments?.parameters ?? []).map((p: Doc) => [
            p.name,
            substitute(String(p.value), scope, `${path}/${task.name}`),
          ]),
        );
        return runTemplate(task.template, args, `${path}/${task.name}`);
      })();
      done.set(task.name, run);
      return run;
    };
    const results = await Promise.all(list.map(start));
    return results.every(Boolean);
  }

  async function runContainer(template: Doc, scope: Scope, path: string): Promise<boolean> {
    const { inputs: _inputs, ...rest } = template;
    const resolved = substituteAll(rest, scope, path);
    const patch = resolved.podSpecPatch ? JSON.parse(resolved.podSpecPatch) : {};
    const deadline: number | null =
      patch.activeDeadlineSeconds ?? resolved.activeDeadlineSeconds ?? null;
    const retry = resolved.retryStrategy;
    const retries = retry ? Number(retry.limit ?? 0) : 0;
    if (!Number.isInteger(retries) || retries < 0)
      throw new Error(`${path}: retry limit ${retry.limit}`);
    const run: TaskRun = {
      path,
      template: template.name,
      phase: "Failed",
      attempts: [],
      backoff: [],
    };
    tasks.push(run);
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) run.backoff.push(backoffDuration(retry.backoff, attempt));
      const pod = `pod-${++pods}-${path.split("/").at(-1)}`;
      const result = await limit.run(() => runPod(resolved, cluster, pod, deadline));
      run.attempts.push(result);
      if (result.exitCode === 0 && !result.deadlineExceeded) {
        run.phase = "Succeeded";
        return true;
      }
    }
    return false;
  }

  const ok = await runTemplate(spec.entrypoint, new Map(), spec.entrypoint);
  return { uid, phase: ok ? "Succeeded" : "Failed", tasks };
}

/** Argo's wait before retry `n` (1-based): duration * factor^(n-1), capped by maxDuration. */
function backoffDuration(backoff: Doc | undefined, n: number): string {
  if (!backoff) return "0s";
  const seconds =
    goSeconds(String(backoff.duration ?? "0s")) * Number(backoff.factor ?? 1) ** (n - 1);
  const cap =
    backoff.maxDuration === undefined
      ? Number.POSITIVE_INFINITY
      : goSeconds(String(backoff.maxDuration));
  return `${Math.min(seconds, cap)}s`;
}

function goSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9.]+)(h|ms|m|s)/g))
    total += Number(n) * units[unit!]!;
  return total;
}
