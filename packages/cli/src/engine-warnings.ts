import { ErrorCode, type GroupingOptions, groupTasks, type Plan } from "@pipewright/core";

/** A problem that does not stop `compile`, but will lose data on the engine. */
export interface CompileWarning {
  code: typeof ErrorCode.LOCAL_DATA_CROSSES_TASK | typeof ErrorCode.LOCAL_FINAL_OUTPUT;
  dataset: string;
  /** The project-relative path the catalog gives it. */
  path: string;
  message: string;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** A binding that lives on the machine's own disk: a project-relative path or a file:// URI. */
const isLocal = (uri: string | undefined): uri is string =>
  uri !== undefined && (!SCHEME.test(uri) || uri.startsWith("file://"));

/**
 * What will not survive an engine run: each task runs in its own pod (or on any worker),
 * with its own filesystem. A dataset on a local path that one task writes and another
 * reads will not be there for the reader; a final output on a local path disappears with
 * the pod. Datasets that come from outside (free inputs) on a local path are fine: the
 * image holds them. In-memory datasets crossing tasks are already an error (groupTasks).
 */
export function localDataWarnings(plan: Plan, grouping: GroupingOptions): CompileWarning[] {
  const taskOf = new Map<string, string>();
  for (const task of groupTasks(plan, grouping)) for (const n of task.nodes) taskOf.set(n, task.id);
  const warnings: CompileWarning[] = [];
  const fix =
    "Give it shared storage in the catalog (uri: s3://...), e.g. in conf/prod/catalog.yaml";
  for (const ds of plan.datasets) {
    const uri = ds.storage.uri;
    if (ds.producer === null || ds.storage.type === "memory" || !isLocal(uri)) continue;
    const from = taskOf.get(ds.producer)!;
    const readers = [...new Set(ds.consumers.map((c) => taskOf.get(c)!))].filter((t) => t !== from);
    if (readers.length > 0) {
      warnings.push({
        code: ErrorCode.LOCAL_DATA_CROSSES_TASK,
        dataset: ds.id,
        path: uri,
        message: `dataset "${ds.id}" is on a local path (${uri}), written by task "${from}" and read by task ${readers.map((r) => `"${r}"`).join(", ")}: each task runs in its own pod with its own filesystem, so the data will not reach ${readers.length > 1 ? "them" : "it"}. ${fix}, or put the nodes in one task (--group).`,
      });
    } else if (ds.consumers.length === 0) {
      warnings.push({
        code: ErrorCode.LOCAL_FINAL_OUTPUT,
        dataset: ds.id,
        path: uri,
        message: `dataset "${ds.id}" is a final output on a local path (${uri}): it is written inside the pod of task "${from}" and lost when the pod ends. ${fix}.`,
      });
    }
  }
  return warnings;
}
