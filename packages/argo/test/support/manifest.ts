import type { Plan } from "@pipewright/core";
import { type ArgoOptions, compileArgo } from "../../src/index.ts";
import { type Doc, specOf, validManifest } from "./rules.ts";

export const IMAGE = "ghcr.io/acme/project:1.0";

/** compileArgo, then every validity check; returns the one document and its parts. */
export function emit(plan: Plan, options: Partial<ArgoOptions> = {}) {
  const text = compileArgo(plan, { image: IMAGE, ...options });
  const docs = validManifest(text);
  if (docs.length !== 1) throw new Error(`expected one document, got ${docs.length}`);
  const doc = docs[0]!;
  const spec = specOf(doc);
  const templates = new Map<string, Doc>(spec.templates.map((t: Doc) => [t.name, t]));
  const tasks: Doc[] = templates.get(spec.entrypoint)!.dag.tasks;
  const param = (task: Doc, name: string): string | undefined =>
    task.arguments?.parameters?.find((p: Doc) => p.name === name)?.value;
  const task = (name: string): Doc => {
    const t = tasks.find((x) => x.name === name);
    if (!t) throw new Error(`no task ${name} in ${tasks.map((x) => x.name).join(", ")}`);
    return t;
  };
  return { text, doc, spec, templates, tasks, task, param };
}
