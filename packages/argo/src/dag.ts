import type { TaskSettings as Settings } from "@pipewright/core";
import { containerTemplateName, nodeParams } from "./container.ts";
import { containerText } from "./escape.ts";
import { fanOutTasks } from "./fan-out.ts";
import type { DagPart } from "./partition.ts";
import type { ArgoTask } from "./tasks.ts";

/** What decides which arguments a task passes beyond its node ids. */
export interface ArgumentRules {
  defaults: Settings;
  retriesVary: boolean;
}

/**
 * One DAG task running `t` through the shared container template of its size. Only ids and
 * small per-task settings travel as parameters; datasets go through the catalog's storage.
 * `depends` lists only tasks of the same DAG template: the others are ordered by the parts.
 */
function dagTask(
  t: ArgoTask,
  names: Map<string, string>,
  local: Set<string>,
  rules: ArgumentRules,
): Record<string, unknown> {
  const parameters: { name: string; value: string }[] = nodeParams(t.nodes.length).map(
    (name, i) => ({
      name,
      value: containerText(t.nodes[i]!),
    }),
  );
  if (t.nodes.length > 1) parameters.push({ name: "display-name", value: t.display });
  if (t.patch !== undefined) parameters.push({ name: "pod-spec-patch", value: t.patch });
  if (rules.retriesVary && t.settings.retries !== rules.defaults.retries) {
    parameters.push({ name: "retries", value: String(t.settings.retries) });
  }
  if (t.memoKey !== undefined) parameters.push({ name: "memo-key", value: t.memoKey });
  const depends = t.dependsOn.filter((d) => local.has(d)).map((d) => names.get(d)!);
  return {
    name: t.name,
    template: containerTemplateName(t.nodes.length, t.profile.suffix),
    ...(depends.length > 0 && { depends: depends.join(" && ") }),
    arguments: { parameters },
  };
}

function dagTemplate(name: string, tasks: Record<string, unknown>[]): Record<string, unknown> {
  return { name, dag: { tasks } };
}

/** The "main" DAG template and, for big pipelines, one DAG template per part. */
export function dagTemplates(
  main: DagPart,
  parts: readonly DagPart[],
  all: readonly ArgoTask[],
  rules: ArgumentRules,
): Record<string, unknown>[] {
  const names = new Map(all.map((t) => [t.id, t.name]));
  const tasksOf = (part: DagPart) => {
    const local = new Set(part.tasks.map((t) => t.id));
    return part.tasks.flatMap((t) => {
      const task = dagTask(t, names, local, rules);
      return t.listName === undefined
        ? [task]
        : fanOutTasks(task as Parameters<typeof fanOutTasks>[0], t.listName, t.profile.suffix);
    });
  };
  if (parts.length === 0) return [dagTemplate(main.name, tasksOf(main))];
  const runParts = parts.map((p) => ({
    name: p.name,
    template: p.name,
    ...(p.dependsOn.length > 0 && { depends: p.dependsOn.join(" && ") }),
  }));
  return [dagTemplate(main.name, runParts), ...parts.map((p) => dagTemplate(p.name, tasksOf(p)))];
}
