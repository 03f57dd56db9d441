import { type Plan, planHash } from "@pipewright/core";
import YAML from "yaml";
import { expandedEnv, k8sExpand } from "./kubernetes.ts";

/** Parsed YAML, checked field by field. */
export type Doc = Record<string, any>;

/** Parses a pipeline file as KFP's readers do (YAML 1.1): the pipeline spec and the platform spec, if any. */
export function parse(text: string): { spec: Doc; platform: Doc | undefined } {
  const docs = YAML.parseAllDocuments(text, { version: "1.1" }).map((d) => {
    if (d.errors.length > 0) throw d.errors[0];
    return d.toJS() as Doc;
  });
  if (docs.length < 1 || docs.length > 2)
    throw new Error(`expected 1 or 2 documents, got ${docs.length}`);
  return { spec: docs[0]!, platform: docs[1] };
}

/** What the KFP launcher substitutes for an input parameter of each type (launcher_v2.go, getPlaceholders). */
export function launcherText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The argv the program receives in a KFP pod: the kubelet expands $(VAR) in command and args
 * (the pod runs them through the launcher), then the launcher replaces `{{$}}` and the input
 * parameter placeholders of the component. `inputs` are the task's resolved input values.
 */
export function launch(executor: Doc, inputs: Record<string, unknown>): string[] {
  const c = executor.container;
  const env = expandedEnv(c.env);
  const placeholders = new Map<string, string>([["{{$}}", '{"inputs":"the executor input"}']]);
  for (const [name, v] of Object.entries(inputs))
    placeholders.set(`{{$.inputs.parameters['${name}']}}`, launcherText(v));
  return [...c.command, ...c.args].map((a: string) => {
    let out = k8sExpand(a, env);
    for (const [p, r] of placeholders) out = out.replaceAll(p, r);
    return out;
  });
}

/** The values a task's inputs resolve to on a run with the pipeline's default parameters. */
export function taskInputs(spec: Doc, taskName: string, runId = "run-1"): Record<string, unknown> {
  return resolve(spec.root.dag.tasks[taskName], rootDefaults(spec), {}, runId);
}

/** The pipeline's input parameters with their default values. */
export function rootDefaults(spec: Doc): Record<string, unknown> {
  const root = spec.root.inputDefinitions?.parameters ?? {};
  return Object.fromEntries(Object.entries<Doc>(root).map(([n, p]) => [n, p.defaultValue]));
}

/**
 * A task's input values, as the KFP driver resolves them: from the enclosing component's
 * inputs (`enclosing`), from upstream tasks' outputs (`outputs`: task -> name -> value),
 * the run id, or constants.
 */
export function resolve(
  task: Doc,
  enclosing: Record<string, unknown>,
  outputs: Record<string, Record<string, unknown>> = {},
  runId = "run-1",
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries<Doc>(task.inputs?.parameters ?? {})) {
    const from = p.taskOutputParameter;
    if (p.componentInputParameter !== undefined) out[name] = enclosing[p.componentInputParameter];
    else if (from) out[name] = outputs[from.producerTask]?.[from.outputParameterKey];
    else if (p.runtimeValue?.constant === "{{$.pipeline_job_uuid}}") out[name] = runId;
    else out[name] = p.runtimeValue?.constant;
  }
  return out;
}

/**
 * Checks the shape of a map node's fan-out at root task `name` (a ParallelFor) and returns
 * its listing task: the list is the listing's LIST output, iterated into the one batch
 * task's --batch, and the listing runs `--fan-out` for the same node.
 */
function fanOutProblems(spec: Doc, name: string, problems: string[]): string | undefined {
  const t = spec.root.dag.tasks[name];
  const items = t.parameterIterator.items?.inputParameter;
  const from = t.inputs?.parameters?.[items]?.taskOutputParameter;
  const list = spec.root.dag.tasks[from?.producerTask];
  if (!list) {
    problems.push(`${name}: the loop's items come from no task`);
    return undefined;
  }
  if (!(t.dependentTasks ?? []).includes(from.producerTask))
    problems.push(`${name}: does not wait for its listing`);
  const listComp = spec.components[list.componentRef.name];
  const out = listComp.outputDefinitions?.parameters?.[from.outputParameterKey];
  if (out?.parameterType !== "LIST") problems.push(`${name}: the listing's output is not a LIST`);
  const listArgs: string[] = spec.deploymentSpec.executors[listComp.executorLabel].container.args;
  const loop = spec.components[t.componentRef.name];
  const [inner] = Object.values<Doc>(loop.dag?.tasks ?? {});
  const batchComp = spec.components[inner?.componentRef?.name];
  const batchArgs: string[] =
    spec.deploymentSpec.executors[batchComp?.executorLabel]?.container.args ?? [];
  const item = t.parameterIterator.itemInput;
  if (inner?.inputs?.parameters?.pipewright_batch?.componentInputParameter !== item)
    problems.push(`${name}: the batch task does not read the loop's item`);
  if (!listArgs.includes("--fan-out") || !batchArgs.includes("--batch"))
    problems.push(`${name}: the listing must run --fan-out and the batch --batch`);
  const node = (args: string[]) => args[args.indexOf("--node") + 1];
  if (node(listArgs) !== node(batchArgs)) problems.push(`${name}: lists another node`);
  if (list.cachingOptions?.enableCache || inner?.cachingOptions?.enableCache)
    problems.push(`${name}: KFP's cache must stay off for a fan-out`);
  return from.producerTask;
}

/** The placeholders pipewright writes on purpose; any other "{{" would be read by KFP or Argo. */
const OURS =
  /\{\{\$\.inputs\.parameters\['[a-z_][a-z0-9_]*'\]\}\}|\{\{\$\.pipeline_job_uuid\}\}|\{\{\$\.outputs\.parameters\['[a-z_][a-z0-9_]*'\]\.output_file\}\}/g;

/** Every string in a document, keys included. */
export function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

export function foreignTags(doc: unknown): string[] {
  return strings(doc).filter((s) => s.replace(OURS, "").includes("{{"));
}

/** The --node values of an executor's args, in order. */
export function nodesOf(executor: Doc): string[] {
  const args: string[] = executor.container.args;
  return args.flatMap((a, i) => (a === "--node" ? [args[i + 1]!] : []));
}

/**
 * Everything that must hold between a plan and the file emitted for it, checked without
 * KFP: references resolve (components, executors, inputs, platform executors), names follow
 * KFP's rule, every node runs exactly once in topological order with the plan's hash, the
 * DAG's edges are exactly the plan's edges between tasks, inputs are typed like the root's,
 * and no string holds a "{{" other than ours.
 */
export function structureProblems(text: string, plan: Plan): string[] {
  const problems: string[] = [];
  const { spec, platform } = parse(text);
  const tasks: Record<string, Doc> = spec.root?.dag?.tasks ?? {};
  const components: Record<string, Doc> = spec.components ?? {};
  const executors: Record<string, Doc> = spec.deploymentSpec?.executors ?? {};
  const rootInputs: Record<string, Doc> = spec.root?.inputDefinitions?.parameters ?? {};
  if (spec.schemaVersion !== "2.1.0") problems.push(`schemaVersion ${spec.schemaVersion}`);
  if (!/^[a-z0-9][a-z0-9-]{0,127}$/.test(spec.pipelineInfo?.name ?? ""))
    problems.push(`pipelineInfo.name ${spec.pipelineInfo?.name}`);
  const taskOfNode = new Map<string, string>();
  const hash = planHash(plan);
  const order = new Map(plan.order.map((id, i) => [id, i]));
  // A map node's listing task and ParallelFor count as one task (its "unit") for the edges.
  const unit = new Map<string, string>();
  for (const [name, t] of Object.entries(tasks)) {
    unit.set(name, name);
    const list = t.parameterIterator ? fanOutProblems(spec, name, problems) : undefined;
    if (list) unit.set(list, name);
  }
  for (const [name, t] of Object.entries(tasks)) {
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63)
      problems.push(`task name ${name}`);
    let comp = components[t.componentRef?.name];
    if (!comp) {
      problems.push(`${name}: no component ${t.componentRef?.name}`);
      continue;
    }
    let inputs = taskInputs(spec, name);
    const listing = unit.get(name) !== name;
    if (t.parameterIterator) {
      // The batch task inside the ParallelFor runs the node, with one item of the list.
      const inner = Object.entries<Doc>(comp.dag?.tasks ?? {});
      if (inner.length !== 1) problems.push(`${name}: loop holds ${inner.length} tasks`);
      const [innerName, innerTask] = inner[0] ?? [name, {}];
      const item = { [t.parameterIterator.itemInput]: "0/1@0123456789abcdef" };
      inputs = resolve(innerTask, { ...rootDefaults(spec), ...item });
      comp = components[innerTask.componentRef?.name] ?? {};
      if (innerName !== name) problems.push(`${name}: inner task ${innerName}`);
    }
    const exec = executors[comp.executorLabel];
    if (!exec) {
      problems.push(`${name}: no executor ${comp.executorLabel}`);
      continue;
    }
    const declared = { ...components[t.componentRef.name]!.inputDefinitions?.parameters };
    // KFP adds the loop's item to the inputs a ParallelFor task gives.
    if (t.parameterIterator) delete declared[t.parameterIterator.itemInput];
    const given = t.inputs?.parameters ?? {};
    if (Object.keys(declared).sort().join() !== Object.keys(given).sort().join())
      problems.push(
        `${name}: inputs ${Object.keys(given)} != component inputs ${Object.keys(declared)}`,
      );
    for (const [pn, p] of Object.entries<Doc>(given)) {
      if (p.componentInputParameter === undefined) continue;
      const root = rootInputs[p.componentInputParameter];
      if (!root) problems.push(`${name}.${pn}: no root input ${p.componentInputParameter}`);
      else if (root.parameterType !== declared[pn]?.parameterType)
        problems.push(
          `${name}.${pn}: type ${declared[pn]?.parameterType} != root ${root.parameterType}`,
        );
    }
    for (const d of t.dependentTasks ?? [])
      if (!tasks[d]) problems.push(`${name}: depends on missing ${d}`);
    const argv = launch(exec, inputs);
    if (argv[argv.indexOf("--plan-hash") + 1] !== hash) problems.push(`${name}: plan hash`);
    if (listing) continue;
    for (const n of nodesOf(exec)) {
      if (taskOfNode.has(n)) problems.push(`node ${n} runs twice`);
      taskOfNode.set(n, name);
    }
    const position = nodesOf(exec).map((n) => order.get(n) ?? -1);
    if (position.some((p, i) => p < 0 || (i > 0 && p < position[i - 1]!)))
      problems.push(`${name}: nodes not in topological order`);
  }
  for (const n of plan.order) if (!taskOfNode.has(n)) problems.push(`node ${n} never runs`);
  // The DAG's edges must be exactly the plan's producer -> consumer edges between tasks.
  const expected = new Set<string>();
  for (const d of plan.datasets)
    for (const c of d.producer === null ? [] : d.consumers) {
      const [from, to] = [taskOfNode.get(d.producer!), taskOfNode.get(c)];
      if (from !== to) expected.add(`${from} -> ${to}`);
    }
  const actual = new Set(
    Object.entries(tasks).flatMap(([name, t]) =>
      (t.dependentTasks ?? []).flatMap((d: string) => {
        if (unit.get(d) !== d && unit.get(d) !== name)
          problems.push(`${name} waits for the listing ${d}, not for its loop`);
        return unit.get(d) === unit.get(name) ? [] : [`${unit.get(d)} -> ${unit.get(name)}`];
      }),
    ),
  );
  for (const e of expected) if (!actual.has(e)) problems.push(`missing edge ${e}`);
  for (const e of actual) if (!expected.has(e)) problems.push(`extra edge ${e}`);
  for (const label of Object.keys(platform?.platforms?.kubernetes?.deploymentSpec?.executors ?? {}))
    if (!executors[label]) problems.push(`platform executor ${label} does not exist`);
  for (const s of foreignTags([spec, platform]))
    problems.push(`foreign tag in ${JSON.stringify(s)}`);
  return problems;
}
