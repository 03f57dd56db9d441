import {
  lineageHashes,
  mergeSettings,
  type Plan,
  type TaskSettings as Settings,
  type Task,
  taskLineage,
} from "@pipewright/core";
import { displayText } from "./escape.ts";
import { fansOut } from "./fan-out.ts";
import { taskNames } from "./names.ts";
import type { Profile, Profiles } from "./profiles.ts";
import { podSpecPatch } from "./settings.ts";

/** Longest task name we emit: Argo allows 128, but names repeat in every `depends` and node status. */
export const MAX_TASK_NAME = 63;

/** One DAG task: the nodes one pod runs, with everything its arguments need. */
export interface ArgoTask {
  /** groupTasks' id: the node id, namespace, "tag:<tag>" or the first fused node. */
  id: string;
  /** The Argo task name: unique, lowercase, at most MAX_TASK_NAME characters. */
  name: string;
  /** Node ids, in the plan's topological order. */
  nodes: string[];
  /** Ids of the tasks that must finish first. */
  dependsOn: string[];
  /** What the Argo UI shows: the node id, or the group and its size. */
  display: string;
  settings: Settings;
  /** Pod spec patch for what differs from the shared template's defaults, if anything. */
  patch: string | undefined;
  /** Hex key for Argo's memoize (when enabled): changes whenever the task or anything upstream changes. */
  memoKey: string | undefined;
  /** Pod settings and memoize: tasks of one profile and size share a container template. */
  profile: Profile;
  /** A map node fanned out across pods: the name of its listing task. */
  listName?: string;
}

/** Pairs core's tasks with Argo names, merged settings, display names and memoize keys. */
export function argoTasks(
  plan: Plan,
  groups: readonly Task[],
  settings: Map<string, Settings>,
  defaults: Settings,
  profiles: Profiles,
  startupSeconds: number,
): ArgoTask[] {
  const memoize = profiles.all.some((p) => p.memoize);
  const fanned = new Set(groups.filter((g) => fansOut(plan, g.nodes)).map((g) => g.id));
  // Listing tasks are named with the others, so no two names clash.
  const names = taskNames(
    [...groups.map((g) => g.id), ...[...fanned].map((id) => `${id}${LIST_SUFFIX}`)],
    MAX_TASK_NAME,
  );
  const lineage = memoize ? lineageHashes(plan) : undefined;
  return groups.map((g) => {
    const merged = mergeSettings(g.nodes.map((n) => settings.get(n)!));
    const profile = profiles.of.get(g.id)!;
    return {
      id: g.id,
      name: names.get(g.id)!,
      nodes: g.nodes,
      dependsOn: g.dependsOn,
      display: displayText(
        g.nodes.length === 1 ? g.nodes[0]! : `${g.id} (${g.nodes.length} nodes)`,
      ),
      settings: merged,
      patch: podSpecPatch(merged, defaults, startupSeconds),
      memoKey: lineage && profile.memoize ? taskLineage(lineage, g.nodes) : undefined,
      profile,
      ...(fanned.has(g.id) && { listName: names.get(`${g.id}${LIST_SUFFIX}`)! }),
    };
  });
}

/** Appended to a map node's id to name its listing task ("clean_events" -> "clean-events-list"). */
const LIST_SUFFIX = "\u0000list";
