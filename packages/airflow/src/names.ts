import { sha256, type Task } from "@pipewright/core";

/**
 * Airflow's limits on ids (task-sdk definitions/_internal/node.py): dag and task ids match
 * `^[\w.-]+$` and are at most 250 characters, group ids match `^[\w-]+$` and are at most
 * 200. A task inside a TaskGroup gets the group id as a prefix, and that prefixed id is
 * what the 250 applies to (it is the task_id column in the metadata database).
 */
export const MAX_KEY = 250;
export const MAX_GROUP = 200;

/** Eight hex digits of sha256: enough to keep truncated or repaired names apart. */
export function shortHash(raw: string): string {
  return sha256(raw).slice(0, 8);
}

/** `raw` with every character outside `allowed` replaced by "_" ("_" if empty). */
function clean(raw: string, allowed: RegExp): string {
  const out = raw.replace(allowed, "_");
  return out.length === 0 ? "_" : out;
}

/** `name` cut to `max` characters, ending in a hash of `raw` when it had to be cut. */
export function fit(name: string, max: number, raw: string): string {
  if (name.length <= max) return name;
  return `${name.slice(0, Math.max(1, max - 9))}_${shortHash(raw)}`;
}

/** A valid dag_id for a pipeline name: unsafe characters become "_", long names are cut with a hash. */
export function dagIdFor(pipeline: string): string {
  return fit(clean(pipeline, /[^A-Za-z0-9_.-]/gu), MAX_KEY, pipeline);
}

/**
 * Hands out Airflow ids. Groups and tasks share one space per DAG (a group "a" and a
 * task "a" at the same level collide in Airflow), so both claim here. A name that is
 * taken by a different raw name gets a hash of its raw name, then a counter if even
 * that is taken: the result depends only on the plan, never on chance.
 */
class Registry {
  private readonly owner = new Map<string, string>();

  claim(id: string, raw: string, max: number): string {
    let candidate = id;
    if (this.taken(candidate, raw)) candidate = fit(`${id}_${shortHash(raw)}`, max, raw);
    for (let n = 2; this.taken(candidate, raw); n++)
      candidate = fit(`${id}_${shortHash(raw)}_${n}`, max, `${raw}#${n}`);
    this.owner.set(candidate, raw);
    return candidate;
  }

  reserve(id: string, raw: string): void {
    if (!this.owner.has(id)) this.owner.set(id, raw);
  }

  private taken(id: string, raw: string): boolean {
    const o = this.owner.get(id);
    return o !== undefined && o !== raw;
  }
}

/** Where a task sits: the TaskGroup path (raw namespace segments) and its own raw name. */
interface Placement {
  path: string[];
  local: string;
}

/**
 * A task inside a namespace goes into that namespace's TaskGroup; a task named after its
 * namespace (grouping by namespace) sits in the parent group under the last segment.
 */
function place(task: Task): Placement {
  const ns = task.namespace;
  if (ns === null) return { path: [], local: task.id };
  const segments = ns.split(".");
  if (task.id === ns) return { path: segments.slice(0, -1), local: segments[segments.length - 1]! };
  if (task.id.startsWith(`${ns}.`)) return { path: segments, local: task.id.slice(ns.length + 1) };
  return { path: segments, local: task.id };
}

/** The Airflow names of a DAG's groups and tasks. */
export interface AirflowNames {
  /** Full group ids ("a", "a.b"), parents before children. */
  groups: string[];
  /** Core task id -> full Airflow task id (group prefix included). */
  tasks: Map<string, string>;
}

const GROUP_UNSAFE = /[^A-Za-z0-9_-]/gu;
// Local task ids keep no dots either: the emitted loop splits a full id at its last dot
// to find the group, and a dotted local name would read like a group in the UI.
const TASK_UNSAFE = /[^A-Za-z0-9_-]/gu;
const SEP = "\u0000";

/**
 * Names every group and task of a DAG. Names that need no change are claimed first, so a
 * repaired name (hostile characters, too long) never displaces a clean one.
 */
export function airflowNames(tasks: readonly Task[]): AirflowNames {
  const registry = new Registry();
  const groupIds = new Map<string, string>();
  const groups: string[] = [];
  const placed = tasks.map((task) => ({ task, ...place(task) }));

  // Groups: create each namespace prefix once, in the order tasks first need them.
  const folded = new Map<Task, string[]>();
  for (const { task, path } of placed) {
    let parent = "";
    let key = "";
    for (const [i, seg] of path.entries()) {
      key = key === "" ? seg : `${key}${SEP}${seg}`;
      const existing = groupIds.get(key);
      if (existing !== undefined) {
        parent = existing;
        continue;
      }
      const room = MAX_GROUP - (parent === "" ? 0 : parent.length + 1);
      if (room < 16) {
        // Too deep to nest further within Airflow's 200 characters: the rest of the
        // namespace becomes part of the task's own name.
        folded.set(task, path.slice(i));
        break;
      }
      const local = fit(clean(seg, GROUP_UNSAFE), room, key);
      const prefix = parent === "" ? "" : `${parent}.`;
      const full = registry.claim(`${prefix}${local}`, `group${SEP}${key}`, prefix.length + room);
      registry.reserve(`${full}.upstream_join_id`, `group${SEP}${key}`);
      registry.reserve(`${full}.downstream_join_id`, `group${SEP}${key}`);
      groupIds.set(key, full);
      groups.push(full);
      parent = full;
    }
  }

  const groupOf = (path: string[], task: Task): string => {
    const kept = folded.has(task) ? path.slice(0, path.length - folded.get(task)!.length) : path;
    return kept.length === 0 ? "" : groupIds.get(kept.join(SEP))!;
  };
  const candidates = placed.map(({ task, path, local }) => {
    const group = groupOf(path, task);
    const rawLocal = [...(folded.get(task) ?? []), local].join("_");
    const prefix = group === "" ? "" : `${group}.`;
    const max = MAX_KEY - prefix.length;
    const name = fit(clean(rawLocal, TASK_UNSAFE), max, task.id);
    return { task, prefix, name, max, exact: name === local };
  });
  const ids = new Map<string, string>();
  for (const pass of [true, false]) {
    for (const c of candidates) {
      if (c.exact !== pass) continue;
      const full = registry.claim(
        `${c.prefix}${c.name}`,
        `task${SEP}${c.task.id}`,
        c.prefix.length + c.max,
      );
      ids.set(c.task.id, full);
    }
  }
  return { groups, tasks: ids };
}
