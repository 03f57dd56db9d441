import { ErrorCode } from "../errors/codes.ts";
import { CompileError, type Issue } from "../errors/errors.ts";
import { topoSort } from "../util/heap.ts";
import type { Plan, PlanNode } from "./schema.ts";

/**
 * How nodes are packed into engine tasks (pods):
 * - "node": one task per node (the default);
 * - "namespace": one task per namespace; nodes outside any namespace run alone;
 * - "tag": one task per tag (the first of `tags` a node carries, or its first tag);
 * - "memory": nodes joined by in-memory datasets are fused into one task.
 */
export type GroupBy = "node" | "namespace" | "tag" | "memory";

export interface GroupingOptions {
  by?: GroupBy;
  /** With by: "tag", the tags that form groups, in priority order. Default: every tag. */
  tags?: readonly string[];
}

/** One engine task: the nodes it runs, in topological order, and the tasks it waits for. */
export interface Task {
  /** Stable id: the node id, namespace, "tag:<tag>" or the first fused node's id. */
  id: string;
  /** Node ids, in the plan's topological order. */
  nodes: string[];
  /** Ids of the tasks that must finish first, sorted. */
  dependsOn: string[];
  /** The namespace shared by every node of the task, or null. */
  namespace: string | null;
}

/**
 * Packs a plan's nodes into tasks, shared by the Argo and Airflow adapters and the
 * runner's pre-flight check. Throws MEMORY_CROSSES_TASK naming every in-memory dataset
 * that would have to travel between tasks (or come from outside), and CYCLE if the
 * grouping makes tasks wait on each other.
 *
 * @example
 * const tasks = groupTasks(plan, { by: "namespace" });
 */
export function groupTasks(plan: Plan, options: GroupingOptions = {}): Task[] {
  const by = options.by ?? "node";
  const taskOf = assignTasks(plan, by, options.tags);
  const issues: Issue[] = [];
  const memberNodes = new Map<string, PlanNode[]>();
  for (const node of plan.nodes) {
    const t = taskOf.get(node.id)!;
    const list = memberNodes.get(t);
    if (list) list.push(node);
    else memberNodes.set(t, [node]);
  }

  const deps = new Map<string, Set<string>>();
  for (const t of memberNodes.keys()) deps.set(t, new Set());
  for (const ds of plan.datasets) {
    const crossing =
      ds.producer === null
        ? ds.consumers
        : ds.consumers.filter((c) => taskOf.get(c) !== taskOf.get(ds.producer!));
    if (ds.producer !== null) {
      for (const c of crossing) deps.get(taskOf.get(c)!)!.add(taskOf.get(ds.producer)!);
    }
    if (ds.storage.type === "memory" && crossing.length > 0) {
      const from =
        ds.producer === null
          ? "outside the pipeline (it is a free input)"
          : `task "${taskOf.get(ds.producer)}"`;
      issues.push({
        code: ErrorCode.MEMORY_CROSSES_TASK,
        message:
          `in-memory dataset "${ds.id}" would have to travel from ${from} to node(s) ${crossing.map((c) => `"${c}"`).join(", ")}. ` +
          `Give "${ds.id}" a catalog entry with persistent storage, or group its producer and consumers into one task (--group memory).`,
        path: ["datasets", ds.id],
        datasets: [ds.id],
        nodes: crossing,
      });
    }
  }
  CompileError.throwIfAny(issues);

  const tasks: Task[] = [];
  for (const [id, nodes] of memberNodes) {
    const namespaces = new Set(nodes.map((n) => n.namespace));
    tasks.push({
      id,
      nodes: nodes.map((n) => n.id),
      dependsOn: [...deps.get(id)!].sort(),
      namespace: namespaces.size === 1 ? [...namespaces][0]! : null,
    });
  }
  return orderTasks(tasks, by);
}

function assignTasks(
  plan: Plan,
  by: GroupBy,
  tags: readonly string[] | undefined,
): Map<string, string> {
  const taskOf = new Map<string, string>();
  switch (by) {
    case "node":
      for (const n of plan.nodes) taskOf.set(n.id, n.id);
      break;
    case "namespace":
      for (const n of plan.nodes) taskOf.set(n.id, n.namespace ?? n.id);
      break;
    case "tag":
      for (const n of plan.nodes) {
        const tag = tags ? tags.find((t) => n.tags.includes(t)) : n.tags[0];
        taskOf.set(n.id, tag === undefined ? n.id : `tag:${tag}`);
      }
      break;
    case "memory": {
      // Union-find over producer -> consumer edges of in-memory datasets.
      const parent = new Map<string, string>();
      const find = (x: string): string => {
        let root = x;
        while (parent.get(root) !== root) root = parent.get(root)!;
        let cur = x;
        while (cur !== root) {
          const next = parent.get(cur)!;
          parent.set(cur, root);
          cur = next;
        }
        return root;
      };
      const position = new Map(plan.order.map((id, i) => [id, i]));
      for (const n of plan.nodes) parent.set(n.id, n.id);
      for (const ds of plan.datasets) {
        if (ds.storage.type !== "memory" || ds.producer === null) continue;
        for (const c of ds.consumers) {
          const a = find(ds.producer);
          const b = find(c);
          // The earliest node in topological order names the fused task.
          if (a !== b) position.get(a)! < position.get(b)! ? parent.set(b, a) : parent.set(a, b);
        }
      }
      for (const n of plan.nodes) taskOf.set(n.id, find(n.id));
      break;
    }
    default:
      throw new CompileError([
        {
          code: ErrorCode.INVALID_OPTION,
          message: `unknown grouping "${String(by)}": use node, namespace, tag or memory`,
          path: ["group"],
        },
      ]);
  }
  return taskOf;
}

/** Topological order of tasks (ties by id); a cycle between tasks is a CYCLE error. */
function orderTasks(tasks: Task[], by: GroupBy): Task[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const { order, blocked } = topoSort(
    tasks.map((t) => t.id),
    (id) => byId.get(id)!.dependsOn,
  );
  if (blocked.length > 0) {
    throw new CompileError([
      {
        code: ErrorCode.CYCLE,
        message: `grouping by ${by} makes tasks wait on each other: ${blocked.map((s) => `"${s}"`).join(", ")}. Group by node or memory instead, or move the nodes that go back and forth into one namespace.`,
        path: ["group"],
        nodes: blocked,
      },
    ]);
  }
  return order.map((id) => byId.get(id)!);
}
