/**
 * A test harness that executes the pipeline files pipewright emits, without KFP: it is not
 * an engine and must never be presented as a way to run pipelines. What it models, and
 * nothing more: the root DAG and nested DAG components, `dependentTasks`, input parameters
 * from the enclosing component, from an upstream task's output parameter, the run id and
 * constants; `parameterIterator` over a LIST (one run of the loop's DAG per item, each
 * item as the loop's `itemInput`); each executor task as its own process whose argv is
 * what the kubelet and the KFP launcher make of the container's command and args (see
 * kfp.ts), with the container's env; output parameters written to the file the launcher
 * names (`{{$.outputs.parameters['x'].output_file}}`), read back as JSON for LIST.
 * Anything else in a task (conditions, artifacts, exit handlers) is refused.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Doc, launch, parse, resolve, rootDefaults } from "./kfp.ts";
import { expandedEnv } from "./kubernetes.ts";

export interface Executed {
  /** The task's path through the DAGs, e.g. "clean-events/1/clean-events" for an iteration. */
  path: string;
  argv: string[];
  code: number | null;
  stderr: string;
}

const MODELLED = new Set([
  "taskInfo",
  "componentRef",
  "dependentTasks",
  "inputs",
  "cachingOptions",
  "retryPolicy",
  "parameterIterator",
  "iteratorPolicy",
]);

/** Runs every task of `text` in dependency order, one process per executor task; stops at the first failure. */
export function runPipeline(text: string, runId = "run-1"): Executed[] {
  const { spec } = parse(text);
  const executed: Executed[] = [];
  const outDir = mkdtempSync(join(tmpdir(), "kfp-outputs-"));
  let files = 0;

  function runExecutor(path: string, comp: Doc, inputs: Record<string, unknown>) {
    const exec = spec.deploymentSpec.executors[comp.executorLabel];
    const outputs: Record<string, string> = {};
    for (const name of Object.keys(comp.outputDefinitions?.parameters ?? {}))
      outputs[name] = join(outDir, `${files++}-${name}`);
    const argv = launch(exec, inputs).map((a) =>
      a.replace(/\{\{\$\.outputs\.parameters\['([a-z_0-9]+)'\]\.output_file\}\}/g, (_, n) => {
        if (!outputs[n]) throw new Error(`${path}: no output parameter ${n}`);
        return outputs[n];
      }),
    );
    const env = { ...process.env, ...expandedEnv(exec.container.env) };
    const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: "utf8" });
    executed.push({ path, argv, code: r.status, stderr: r.stderr });
    if (r.status !== 0) throw new Error(`${path} exited ${r.status}: ${r.stderr}`);
    const types = comp.outputDefinitions?.parameters ?? {};
    return Object.fromEntries(
      Object.entries(outputs).map(([n, file]) => {
        const raw = readFileSync(file, "utf8");
        return [n, types[n].parameterType === "STRING" ? raw : JSON.parse(raw)];
      }),
    );
  }

  function runDag(prefix: string, dag: Doc, enclosing: Record<string, unknown>): void {
    const tasks = Object.entries<Doc>(dag.tasks ?? {});
    const done: Record<string, Record<string, unknown>> = {};
    while (Object.keys(done).length < tasks.length) {
      const ready = tasks.find(
        ([n, t]) => !done[n] && (t.dependentTasks ?? []).every((d: string) => done[d]),
      );
      if (!ready) throw new Error(`${prefix}: no task can start (a cycle or a missing task)`);
      const [name, t] = ready;
      for (const key of Object.keys(t))
        if (!MODELLED.has(key)) throw new Error(`${prefix}${name}: "${key}" is not modelled`);
      const comp = spec.components[t.componentRef.name];
      const inputs = resolve(t, enclosing, done, runId);
      const path = `${prefix}${name}`;
      if (t.parameterIterator) {
        const items = inputs[t.parameterIterator.items.inputParameter];
        if (!Array.isArray(items)) throw new Error(`${path}: the items are not a list`);
        for (const [i, item] of items.entries())
          runDag(`${path}/${i}/`, comp.dag, { ...inputs, [t.parameterIterator.itemInput]: item });
        done[name] = {};
      } else if (comp.dag) {
        runDag(`${path}/`, comp.dag, inputs);
        done[name] = {};
      } else done[name] = runExecutor(path, comp, inputs);
    }
  }

  runDag("", spec.root.dag, rootDefaults(spec));
  return executed;
}
