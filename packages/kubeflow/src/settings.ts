import {
  CompileError,
  ErrorCode,
  type Issue,
  maxQuantity,
  type PlanNode,
  type Resources,
} from "@pipewright/core";
import { quantity } from "./checks.ts";

/** What a task needs: the node's own values where set, the options' defaults elsewhere. */
export interface Settings {
  resources: Resources;
  /** Extra attempts after a failure, made by KFP (run-node itself does not retry). */
  retries: number;
  timeoutSeconds: number | null;
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
      if (problem)
        issues.push({
          code: ErrorCode.INVALID_OPTION,
          message: `node "${n.id}"${n.location ? ` (${n.location})` : ""}: resources.${key} ${JSON.stringify(value)} ${problem}.`,
          path: ["nodes", n.id, "resources", key],
          nodes: [n.id],
        });
      resources[key] = String(value);
    }
    if (n.resources.gpu !== undefined) resources.gpu = n.resources.gpu;
    out.set(n.id, {
      resources,
      retries: n.retries > 0 ? n.retries : defaults.retries,
      timeoutSeconds:
        n.timeoutSeconds === null ? defaults.timeoutSeconds : Math.ceil(n.timeoutSeconds),
    });
  }
  CompileError.throwIfAny(issues);
  return out;
}

function larger(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return maxQuantity(a, b);
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
 * The container's `resources` (PipelineContainerSpec.ResourceSpec, the string fields that
 * current KFP SDKs write). On Kubeflow: cpu and memory requested, memory also as the limit
 * (so a pod is not OOM-killed below what it asked for), no cpu limit (throttling hurts more
 * than it protects). Vertex AI sizes its machines from limits, so there both are limits.
 */
export function containerResources(
  r: Resources,
  vertex: boolean,
  accelerator: string,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (r.cpu !== undefined) out[vertex ? "resourceCpuLimit" : "resourceCpuRequest"] = String(r.cpu);
  if (r.memory !== undefined) {
    if (!vertex) out.resourceMemoryRequest = r.memory;
    out.resourceMemoryLimit = r.memory;
  }
  if (r.gpu) out.accelerator = { resourceType: accelerator, resourceCount: String(r.gpu) };
  return Object.keys(out).length > 0 ? out : undefined;
}
