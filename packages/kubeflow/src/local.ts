import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import { CompileError, ErrorCode, type Issue, type Plan } from "@pipewright/core";
import type { Volume } from "./pod.ts";
import type { ResolvedPod } from "./pod-resolve.ts";
import type { KfpTask } from "./tasks.ts";

/** A URI every pod can reach: any scheme but file:// (s3://, gs:// ...). */
const SHARED = /^(?!file:)[a-z][a-z0-9+.-]*:\/\//i;

/** Where a local dataset is in the container: project-relative paths are under the working dir. */
function containerPath(uri: string, workingDir: string): string {
  if (uri.startsWith("file://")) return fileURLToPath(uri);
  return posix.resolve(workingDir, uri);
}

/** A claim and folder: two mounts share files only when both are the same. */
function claimKey(v: Volume): string | undefined {
  return v.persistentVolumeClaim && `${v.persistentVolumeClaim.claimName}/${v.subPath ?? ""}`;
}

/** The claim mounted over `path` in this pod (the deepest mount wins), if any. */
function claimAt(pod: ResolvedPod, path: string): string | undefined {
  let best: { depth: number; claim: string | undefined } | undefined;
  for (const v of pod.volumes) {
    const mount = v.mountPath.replace(/\/+$/, "");
    if (path !== mount && !path.startsWith(`${mount}/`)) continue;
    if (!best || mount.length > best.depth) best = { depth: mount.length, claim: claimKey(v) };
  }
  return best?.claim;
}

/**
 * Refuses datasets that one task writes and another reads while they live on a local path:
 * KFP runs each task in its own pod, which do not share a file system, so the reader would
 * not find them. Data moves through the catalog's storage (s3://), never through KFP
 * artifacts. The one exception is a path under the same PersistentVolumeClaim mounted in
 * both pods. Free inputs read from the image are fine.
 */
export function checkLocalDatasets(
  plan: Plan,
  tasks: readonly KfpTask[],
  pods: ReadonlyMap<string, ResolvedPod>,
  workingDir: string,
): void {
  const taskOf = new Map<string, KfpTask>();
  for (const t of tasks) for (const n of t.nodes) taskOf.set(n, t);
  const issues: Issue[] = [];
  for (const d of plan.datasets) {
    if (d.producer === null || d.storage.type === "memory" || SHARED.test(d.storage.uri ?? ""))
      continue;
    const from = taskOf.get(d.producer)!;
    const path = containerPath(d.storage.uri ?? "", workingDir);
    const claim = claimAt(pods.get(from.name)!, path);
    const readers = d.consumers.filter((c) => {
      const to = taskOf.get(c)!;
      return to !== from && (claim === undefined || claimAt(pods.get(to.name)!, path) !== claim);
    });
    if (readers.length === 0) continue;
    issues.push({
      code: ErrorCode.ADAPTER_OPTION,
      message:
        `dataset "${d.id}" is stored on a local path (${JSON.stringify(d.storage.uri ?? "")}) but passes from task "${from.name}" to ${readers.map((r) => `"${r}"`).join(", ")} in other pods, which do not share a file system. ` +
        `Give it an s3:// location in the catalog the cluster uses, group its producer and readers into one task, or mount one PersistentVolumeClaim over ${JSON.stringify(path)} (pod.volumes).`,
      path: ["datasets", d.id],
      datasets: [d.id],
      nodes: [d.producer, ...readers],
    });
  }
  CompileError.throwIfAny(issues);
}
