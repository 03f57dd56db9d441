import { CronWorkflow } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/CronWorkflow";
import { Workflow } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/Workflow";
import { WorkflowTemplate } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/WorkflowTemplate";
import YAML from "yaml";

export type Doc = Record<string, any>;

const NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Every document of a YAML text, read as YAML 1.1 (kubectl, argo) and checked equal when read as 1.2. */
export function parseManifest(text: string): Doc[] {
  const docs11 = YAML.parseAllDocuments(text, { version: "1.1" }).map((d) => d.toJS());
  const docs12 = YAML.parseAllDocuments(text, { version: "1.2" }).map((d) => d.toJS());
  if (JSON.stringify(docs11) !== JSON.stringify(docs12))
    throw new Error("YAML reads differently as 1.1 and 1.2");
  return docs11;
}

/** The WorkflowSpec of any of the three kinds. */
export function specOf(doc: Doc): Doc {
  return doc.kind === "CronWorkflow" ? doc.spec.workflowSpec : doc.spec;
}

/** Schema validation by @kubernetes-models (Argo v4's OpenAPI types); throws on the first problem. */
export function validateModel(doc: Doc): void {
  const Model = { Workflow, WorkflowTemplate, CronWorkflow }[doc.kind as string];
  if (!Model) throw new Error(`unknown kind ${doc.kind}`);
  new Model(doc as never).validate();
}

/**
 * The rules Argo enforces beyond the OpenAPI schema (CRD CEL rules and the controller's
 * validate.go): names, lengths, 200-item caps, depends xor dependencies, template refs,
 * dependencies that exist and form no cycle, a command on every container, object size.
 * Returns every problem found.
 */
export function ruleProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const name: string | undefined = doc.metadata?.name;
  const maxName = doc.kind === "CronWorkflow" ? 52 : 63;
  if (name !== undefined && (name.length > maxName || !DNS_LABEL.test(name)))
    problems.push(`bad metadata.name ${name}`);
  const generateName: string | undefined = doc.metadata?.generateName;
  if (
    generateName !== undefined &&
    (generateName.length > 58 || !DNS_LABEL.test(generateName.slice(0, -1)))
  ) {
    problems.push(`bad generateName ${generateName}`);
  }
  const spec = specOf(doc);
  const templates: Doc[] = spec.templates ?? [];
  if (templates.length > 200) problems.push(`${templates.length} templates > 200`);
  const byName = new Map(templates.map((t) => [t.name, t]));
  if (byName.size !== templates.length) problems.push("duplicate template names");
  if (!byName.has(spec.entrypoint)) problems.push(`entrypoint ${spec.entrypoint} missing`);
  for (const t of templates) {
    if (!NAME.test(t.name) || t.name.length > 128) problems.push(`bad template name ${t.name}`);
    const kinds = ["container", "dag", "steps", "script", "resource"].filter((k) => k in t);
    if (kinds.length !== 1) problems.push(`template ${t.name} has ${kinds.length} types`);
    if (t.container && (!Array.isArray(t.container.command) || t.container.command.length === 0))
      problems.push(`template ${t.name} has no command`);
    if (t.container && t.container.name !== "main")
      problems.push(`template ${t.name}: container not named main`);
    if (t.memoize && !/^[0-9a-f]{64}$|^\{\{inputs\.parameters\.[a-z-]+\}\}$/.test(t.memoize.key))
      problems.push(`template ${t.name}: memoize key ${t.memoize.key}`);
    if (t.dag) problems.push(...dagProblems(t, byName));
  }
  const bytes = Buffer.byteLength(JSON.stringify(doc));
  if (bytes > 1_000_000) problems.push(`object is ${bytes} bytes`);
  return problems;
}

function dagProblems(t: Doc, templates: Map<string, Doc>): string[] {
  const problems: string[] = [];
  const tasks: Doc[] = t.dag.tasks;
  if (tasks.length === 0 || tasks.length > 200)
    problems.push(`dag ${t.name} has ${tasks.length} tasks`);
  const deps = new Map<string, string[]>();
  for (const task of tasks) {
    if (!NAME.test(task.name) || task.name.length > 128 || /^[0-9]/.test(task.name))
      problems.push(`bad task name ${task.name}`);
    if (deps.has(task.name)) problems.push(`duplicate task ${task.name} in ${t.name}`);
    if (task.depends !== undefined && task.dependencies !== undefined)
      problems.push(`task ${task.name}: depends and dependencies`);
    if (!templates.has(task.template))
      problems.push(`task ${task.name}: template ${task.template} missing`);
    deps.set(task.name, dependenciesOf(task));
  }
  for (const [task, list] of deps)
    for (const d of list) if (!deps.has(d)) problems.push(`task ${task}: unknown dependency ${d}`);
  const state = new Map<string, number>();
  const visit = (n: string): void => {
    if (state.get(n) === 2) return;
    if (state.get(n) === 1) {
      problems.push(`cycle through ${n} in ${t.name}`);
      return;
    }
    state.set(n, 1);
    for (const d of deps.get(n) ?? []) visit(d);
    state.set(n, 2);
  };
  for (const n of deps.keys()) visit(n);
  return problems;
}

/** Task names a DAG task waits for, from `dependencies` or a `depends` of "a && b" form. */
export function dependenciesOf(task: Doc): string[] {
  if (task.dependencies) return task.dependencies;
  if (task.depends === undefined) return [];
  const parts = String(task.depends).split(" && ");
  if (parts.some((p) => !NAME.test(p))) throw new Error(`unexpected depends ${task.depends}`);
  return parts;
}

/** Every check at once: the parsed documents, after asserting they are all valid. */
export function validManifest(text: string): Doc[] {
  const docs = parseManifest(text);
  for (const doc of docs) {
    validateModel(doc);
    const problems = ruleProblems(doc);
    if (problems.length > 0)
      throw new Error(`invalid ${doc.kind}:\n${problems.slice(0, 20).join("\n")}`);
  }
  return docs;
}
