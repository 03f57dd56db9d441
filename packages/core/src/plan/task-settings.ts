import { ErrorCode } from "../errors/codes.ts";
import { CompileError, type Issue } from "../errors/errors.ts";
import { QUANTITY_HINT } from "./option-checks.ts";
import { maxQuantity, parseQuantity } from "./quantity.ts";
import type { PlanNode, Resources } from "./schema.ts";

/** What an engine task's pod needs: the node's own values where set, the target's defaults elsewhere. */
export interface TaskSettings {
  resources: Resources;
  /** Extra attempts after a failure, made by the engine (run-node itself does not retry). */
  retries: number;
  timeoutSeconds: number | null;
}

function sameResources(a: Resources, b: Resources): boolean {
  return a.cpu === b.cpu && a.memory === b.memory && (a.gpu ?? 0) === (b.gpu ?? 0);
}

/**
 * Settings of each node for an engine adapter, checking its quantities (a bad one would
 * only fail when the pod is created). A node that sets nothing shares the `defaults`
 * object, so an adapter can skip it at once.
 */
export function nodeSettings(
  nodes: readonly PlanNode[],
  defaults: TaskSettings,
): Map<string, TaskSettings> {
  const issues: Issue[] = [];
  const out = new Map<string, TaskSettings>();
  for (const n of nodes) {
    const resources: Resources = { ...defaults.resources };
    for (const key of ["cpu", "memory"] as const) {
      const value = n.resources[key];
      if (value === undefined) continue;
      if (parseQuantity(String(value)) === undefined) {
        issues.push({
          code: ErrorCode.INVALID_OPTION,
          message: `node "${n.id}"${n.location ? ` (${n.location})` : ""}: resources.${key} ${JSON.stringify(value)} ${QUANTITY_HINT}.`,
          path: ["nodes", n.id, "resources", key],
          nodes: [n.id],
        });
      }
      resources[key] = String(value);
    }
    if (n.resources.gpu !== undefined) resources.gpu = n.resources.gpu;
    const own: TaskSettings = {
      resources,
      retries: n.retries > 0 ? n.retries : defaults.retries,
      timeoutSeconds:
        n.timeoutSeconds === null ? defaults.timeoutSeconds : Math.ceil(n.timeoutSeconds),
    };
    const plain =
      own.retries === defaults.retries &&
      own.timeoutSeconds === defaults.timeoutSeconds &&
      sameResources(resources, defaults.resources);
    out.set(n.id, plain ? defaults : own);
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
export function mergeSettings(list: readonly TaskSettings[]): TaskSettings {
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
