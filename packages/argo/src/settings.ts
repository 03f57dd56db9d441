import {
  CompileError,
  ErrorCode,
  type Issue,
  maxQuantity,
  type PlanNode,
  type Resources,
} from "@pipewright/core";
import { quantity } from "./checks.ts";

/** What a pod needs: the node's own values where set, the adapter's defaults elsewhere. */
export interface Settings {
  resources: Resources;
  retries: number;
  timeoutSeconds: number | null;
}

function larger(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return maxQuantity(a, b);
}

/** Settings of each node, checking its quantities (a bad one would only fail when the pod is created). */
export function nodeSettings(
  nodes: readonly PlanNode[],
  defaults: Settings,
): Map<string, Settings> {
  const issues: Issue[] = [];
  const out = new Map<string, Settings>();
  for (const n of nodes) {
    const resources: Resources = { ...defaults.resources };
    for (const key of ["cpu", "memory"] as const) {
      const value = n.resources[key];
      if (value === undefined) continue;
      const problem = quantity(String(value));
      if (problem) {
        issues.push({
          code: ErrorCode.INVALID_OPTION,
          message: `node "${n.id}"${n.location ? ` (${n.location})` : ""}: resources.${key} ${JSON.stringify(value)} ${problem}.`,
          path: ["nodes", n.id, "resources", key],
          nodes: [n.id],
        });
      }
      resources[key] = String(value);
    }
    if (n.resources.gpu !== undefined) resources.gpu = n.resources.gpu;
    const own: Settings = {
      resources,
      retries: n.retries > 0 ? n.retries : defaults.retries,
      timeoutSeconds:
        n.timeoutSeconds === null ? defaults.timeoutSeconds : Math.ceil(n.timeoutSeconds),
    };
    // Most nodes set nothing: sharing the defaults object lets podSpecPatch skip them at once.
    const plain =
      own.retries === defaults.retries &&
      own.timeoutSeconds === defaults.timeoutSeconds &&
      sameResources(resources, defaults.resources);
    out.set(n.id, plain ? defaults : own);
  }
  CompileError.throwIfAny(issues);
  return out;
}

/**
 * Settings of a task running several nodes one after the other in one pod: the largest
 * request of each kind, the most retries, and the sum of the timeouts (none if any node
 * has none).
 */
export function mergeSettings(list: readonly Settings[]): Settings {
  if (list.length === 1) return list[0]!;
  const resources: Resources = {};
  let retries = 0;
  let timeout: number | null = 0;
  for (const s of list) {
    const cpu = larger(resources.cpu, s.resources.cpu);
    const memory = larger(resources.memory, s.resources.memory);
    if (cpu !== undefined) resources.cpu = cpu;
    if (memory !== undefined) resources.memory = memory;
    if (s.resources.gpu !== undefined)
      resources.gpu = Math.max(resources.gpu ?? 0, s.resources.gpu);
    retries = Math.max(retries, s.retries);
    timeout = timeout === null || s.timeoutSeconds === null ? null : timeout + s.timeoutSeconds;
  }
  return { resources, retries, timeoutSeconds: timeout };
}

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
