import type { Plan } from "@pipewright/core";
import type { ArgoTask } from "./tasks.ts";

/** A URI every pod can reach: any scheme but file:// (s3://, gs:// ...). */
const SHARED = /^(?!file:)[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Header comments for datasets that one pod writes and another reads while they live on
 * a local path: pods do not share a file system, so the reader would not find them. Not
 * an error, because a volume mounted at that path would work; free inputs read from the
 * image are fine.
 */
export function localDatasetWarnings(plan: Plan, tasks: readonly ArgoTask[]): string[] {
  const taskOf = new Map<string, string>();
  for (const t of tasks) for (const n of t.nodes) taskOf.set(n, t.id);
  const local = plan.datasets.filter(
    (d) =>
      d.producer !== null &&
      d.storage.type !== "memory" &&
      !SHARED.test(d.storage.uri ?? "") &&
      d.consumers.some((c) => taskOf.get(c) !== taskOf.get(d.producer!)),
  );
  if (local.length === 0) return [];
  return [
    "Warning: these datasets pass between pods but are stored on a local path, which pods do not share;",
    "give them s3:// locations in the catalog used in the cluster (or mount a shared volume there with the pod.volumes option):",
    ...local.map((d) => `  ${JSON.stringify(d.id)} at ${JSON.stringify(d.storage.uri ?? "")}`),
  ];
}

/**
 * Header comments for credentials entries that datasets use but no Secret is given for
 * (the `credentials` option): pods then need them from conf/credentials.yaml in the image.
 */
export function credentialWarnings(unmapped: ReadonlyMap<string, readonly string[]>): string[] {
  if (unmapped.size === 0) return [];
  return [
    "Warning: these credentials entries have no Kubernetes Secret (option credentials: { <name>: { secret } }),",
    "so pods can only read them from conf/credentials.yaml in the image:",
    ...[...unmapped].map(
      ([name, nodes]) =>
        `  ${JSON.stringify(name)} used by ${nodes.map((n) => JSON.stringify(n)).join(", ")}`,
    ),
  ];
}
