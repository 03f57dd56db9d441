import { CompileError, ErrorCode, type Issue, type Plan } from "@pipewright/core";
import { argProblem } from "./escape.ts";
import type { ResolvedPod } from "./pod-resolve.ts";

/** Node ids travel as --node arguments: they must be safe there (compile() only makes safe ones). */
export function checkNodeIds(plan: Plan): void {
  const issues: Issue[] = [];
  for (const id of plan.order) {
    const problem = argProblem(id);
    if (problem)
      issues.push({
        code: ErrorCode.INVALID_NAME,
        message: `node ${JSON.stringify(id)} ${problem}; rename it (names are letters, digits, "_", "." and "-").`,
        path: ["nodes", id],
        nodes: [id],
      });
  }
  CompileError.throwIfAny(issues);
}

/** KFP names a claim's volume after the claim, so each pod mounts a claim once, and a path once. */
export function checkVolumes(pods: ReadonlyMap<string, ResolvedPod>): void {
  const twice = (list: string[]) => [...new Set(list.filter((x, i) => list.indexOf(x) !== i))];
  const found = new Map<string, string[]>();
  for (const [task, pod] of pods) {
    const claims = twice(pod.volumes.flatMap((v) => v.persistentVolumeClaim?.claimName ?? []));
    const paths = twice(pod.volumes.map((v) => v.mountPath.replace(/\/+$/, "")));
    for (const problem of [
      ...claims.map(
        (c) =>
          `mounts the claim "${c}" twice (KFP names the volume after the claim: mount it once, at a common parent folder)`,
      ),
      ...paths.map((p) => `mounts two volumes at "${p}"`),
    ])
      found.set(problem, [...(found.get(problem) ?? []), task]);
  }
  CompileError.throwIfAny(
    [...found].map(([problem, tasks]) => ({
      code: ErrorCode.ADAPTER_OPTION,
      message: `kubeflow option pod.volumes ${problem} in the pod of ${tasks.length === 1 ? "task" : "tasks"} ${tasks
        .slice(0, 5)
        .map((t) => `"${t}"`)
        .join(", ")}${tasks.length > 5 ? " ..." : ""}.`,
      path: ["kubeflow", "pod", "volumes"],
    })),
  );
}
