import type { ArgoTask } from "./tasks.ts";

/** Argo v4's full CRDs cap `spec.templates` and each `dag.tasks` at 200 items (CEL cost limit). */
export const MAX_ITEMS = 200;

/** A DAG template: its tasks, and the other DAG templates of the same level it waits for. */
export interface DagPart {
  /** Template name, also the name of the task that runs it from "main". */
  name: string;
  tasks: ArgoTask[];
  /** Names of the parts that must finish first. */
  dependsOn: string[];
}

/**
 * Splits tasks into DAG templates of at most `maxTasks` tasks. Up to `maxTasks` tasks, one
 * part ("main") holds them all. Beyond, tasks are sorted by depth (longest chain of
 * upstream tasks, then their topological position) and cut into equal consecutive parts;
 * "main" runs the parts, each waiting for the parts holding its tasks' upstream tasks.
 *
 * Why this is safe: depth grows along every edge, so an edge never points to an earlier
 * part, the parts form a DAG, and a task starts only after every task it depends on is
 * done (directly, within its part, or because that task's whole part is done). Sorting by
 * depth keeps wide layers together, so independent tasks still run side by side.
 */
export function partition(
  tasks: readonly ArgoTask[],
  maxTasks = MAX_ITEMS,
): { main: DagPart; parts: DagPart[] } {
  if (tasks.length <= maxTasks)
    return { main: { name: "main", tasks: [...tasks], dependsOn: [] }, parts: [] };
  const depth = new Map<string, number>();
  const position = new Map<string, number>();
  tasks.forEach((t, i) => {
    position.set(t.id, i);
    depth.set(
      t.id,
      t.dependsOn.reduce((d, up) => Math.max(d, depth.get(up)! + 1), 0),
    );
  });
  const sorted = [...tasks].sort(
    (a, b) => depth.get(a.id)! - depth.get(b.id)! || position.get(a.id)! - position.get(b.id)!,
  );
  const count = Math.ceil(sorted.length / maxTasks);
  const size = Math.ceil(sorted.length / count);
  const partOf = new Map<string, number>();
  const parts: DagPart[] = [];
  for (let p = 0; p < count; p++) {
    const chunk = sorted.slice(p * size, (p + 1) * size);
    for (const t of chunk) partOf.set(t.id, p);
    parts.push({ name: `part-${p + 1}`, tasks: chunk, dependsOn: [] });
  }
  for (const [p, part] of parts.entries()) {
    const ups = new Set<number>();
    for (const t of part.tasks)
      for (const up of t.dependsOn) if (partOf.get(up) !== p) ups.add(partOf.get(up)!);
    part.dependsOn = [...ups].sort((a, b) => a - b).map((u) => parts[u]!.name);
  }
  return { main: { name: "main", tasks: [], dependsOn: [] }, parts };
}
