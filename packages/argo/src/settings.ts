import type { Resources, TaskSettings as Settings } from "@pipewright/core";

/**
 * Kubernetes resource requirements: cpu and memory requested, memory also as the limit
 * (so a pod is not OOM-killed below what it asked for), GPUs as a limit (extended
 * resources must be). No CPU limit: throttling hurts more than it protects.
 */
export function containerResources(
  r: Resources,
): Record<string, Record<string, string>> | undefined {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (r.cpu !== undefined) requests.cpu = String(r.cpu);
  if (r.memory !== undefined) {
    requests.memory = r.memory;
    limits.memory = r.memory;
  }
  if (r.gpu) limits["nvidia.com/gpu"] = String(r.gpu);
  const out: Record<string, Record<string, string>> = {};
  if (Object.keys(requests).length > 0) out.requests = requests;
  if (Object.keys(limits).length > 0) out.limits = limits;
  return Object.keys(out).length > 0 ? out : undefined;
}

function sameResources(a: Resources, b: Resources): boolean {
  return a.cpu === b.cpu && a.memory === b.memory && (a.gpu ?? 0) === (b.gpu ?? 0);
}

/**
 * The strategic-merge patch that turns the shared template's pod into this task's pod, or
 * undefined when the defaults fit. Argo's podSpecPatch is its documented way to vary
 * non-string fields (quantities) per task.
 */
export function podSpecPatch(
  task: Settings,
  defaults: Settings,
  startupSeconds: number,
): string | undefined {
  if (task === defaults) return undefined;
  const patch: Record<string, unknown> = {};
  if (task.timeoutSeconds !== defaults.timeoutSeconds && task.timeoutSeconds !== null) {
    // run-node stops the node's code at its timeout; the pod also needs time to start.
    patch.activeDeadlineSeconds = task.timeoutSeconds + startupSeconds;
  }
  const resources = containerResources(task.resources);
  if (!sameResources(task.resources, defaults.resources)) {
    patch.containers = [{ name: "main", resources }];
  }
  return Object.keys(patch).length > 0 ? JSON.stringify(patch) : undefined;
}
