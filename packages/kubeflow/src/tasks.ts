import {
  lineageHashes,
  mergeSettings,
  type Plan,
  type TaskSettings as Settings,
  type Task,
  taskLineage,
} from "@pipewright/core";
import { displayText } from "./escape.ts";
import { fansOut, listId, loopId } from "./fan-out.ts";
import { taskNames } from "./names.ts";
import type { KfpParam } from "./params.ts";

/** One DAG task, with its own component and executor: the nodes one pod runs. */
export interface KfpTask {
  /** groupTasks' id: the node id, namespace, "tag:<tag>" or the first fused node. */
  id: string;
  /** The DAG task name; the component is "comp-<name>" and the executor "exec-<name>". */
  name: string;
  /** Node ids, in the plan's topological order. */
  nodes: string[];
  /** Names of the tasks that must finish first. */
  dependentTasks: string[];
  /** `taskInfo.name`: the node id, or the group and its size. */
  display: string;
  settings: Settings;
  /** The params its nodes read that travel as KFP parameters, by id. */
  params: KfpParam[];
  /** Key for KFP's cache when enabled and every node caches: changes with the task or anything upstream. */
  cacheKey: string | undefined;
  /**
   * Set when the task is one map node that fans out: the names of its listing task and of
   * its ParallelFor's component. The ParallelFor task itself is named `name`, so the tasks
   * downstream wait for it (the fan-in) without knowing it fans out.
   */
  fanOut?: { list: string; loop: string };
}

/** Pairs core's tasks with KFP names, merged settings, the params they read and cache keys. */
export function kfpTasks(
  plan: Plan,
  groups: readonly Task[],
  settings: Map<string, Settings>,
  params: readonly KfpParam[],
  kfpCache: boolean,
): KfpTask[] {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const fanned = new Set(
    groups.filter((g) => fansOut(g.nodes.map((id) => byId.get(id)!))).map((g) => g.id),
  );
  // The listing task and the loop component are named with the tasks, so no name can clash.
  const names = taskNames([
    ...groups.map((g) => g.id),
    ...[...fanned].flatMap((id) => [listId(id), loopId(id)]),
  ]);
  const paramById = new Map(params.map((p) => [p.id, p]));
  const lineage = kfpCache ? lineageHashes(plan) : undefined;
  return groups.map((g) => {
    const nodes = g.nodes.map((id) => byId.get(id)!);
    const read = [...new Set(nodes.flatMap((n) => Object.values(n.params)))].sort();
    const caches = nodes.every((n) => n.cache);
    return {
      id: g.id,
      name: names.get(g.id)!,
      nodes: g.nodes,
      dependentTasks: g.dependsOn.map((d) => names.get(d)!),
      display: displayText(
        g.nodes.length === 1 ? g.nodes[0]! : `${g.id} (${g.nodes.length} nodes)`,
      ),
      settings: mergeSettings(g.nodes.map((n) => settings.get(n)!)),
      params: read.flatMap((id) => paramById.get(id) ?? []),
      cacheKey: lineage && caches && !fanned.has(g.id) ? taskLineage(lineage, g.nodes) : undefined,
      ...(fanned.has(g.id) && {
        fanOut: { list: names.get(listId(g.id))!, loop: names.get(loopId(g.id))! },
      }),
    };
  });
}
