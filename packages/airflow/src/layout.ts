import {
  CompileError,
  ErrorCode,
  type Issue,
  maxQuantity,
  type Plan,
  type PlanNode,
  parseQuantity,
  type Task,
} from "@pipewright/core";
import type { AirflowNames } from "./names.ts";

/** One Airflow task, as a row of the emitted TASKS table. */
export interface TaskRow {
  /** Full Airflow task id; the part before the last dot is its group. */
  id: string;
  /** Node ids run by the task, in topological order. */
  nodes: string[];
  /** Full ids of the tasks it waits for. */
  upstream: string[];
  /** Retries, or null to use the DAG's default. */
  retries: number | null;
  /** Execution timeout in seconds (the nodes' timeouts plus the start-up allowance), or null to use the DAG's default. */
  timeout: number | null;
  /** [cpu, memory, gpu] requests, or null when no node asks for any. */
  resources: [string | null, string | null, number | null] | null;
  /** Index into POD_PROFILES (kubernetes operator only). */
  profile: number;
}

/**
 * Turns core tasks into table rows. A task running several nodes runs them one after
 * the other, so it takes the largest retries and resource requests among them, and the
 * sum of their timeouts when every node declares one (plus one start-up allowance).
 */
export function taskRows(
  plan: Plan,
  tasks: readonly Task[],
  names: AirflowNames,
  checkResources: boolean,
  layout: { startupSeconds: number; profileOf: ReadonlyMap<string, number> },
): TaskRow[] {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const issues: Issue[] = [];
  const rows = tasks.map((task): TaskRow => {
    const nodes = task.nodes.map((id) => byId.get(id)!);
    const retries = nodes.reduce((most, n) => Math.max(most, n.retries), 0);
    const timeouts = nodes.map((n) => n.timeoutSeconds);
    const timeout = timeouts.every((t) => t !== null) ? timeouts.reduce((a, b) => a + b, 0) : null;
    if (checkResources) issues.push(...resourceIssues(nodes));
    return {
      id: names.tasks.get(task.id)!,
      nodes: task.nodes,
      upstream: task.dependsOn.map((t) => names.tasks.get(t)!),
      retries: retries > 0 ? retries : null,
      // run-node stops the nodes' code at their timeouts; the task also needs time to start.
      timeout: timeout === null ? null : timeout + layout.startupSeconds,
      resources: checkResources ? largest(nodes) : null,
      profile: layout.profileOf.get(task.id) ?? 0,
    };
  });
  CompileError.throwIfAny(issues);
  return rows;
}

function resourceIssues(nodes: readonly PlanNode[]): Issue[] {
  const issues: Issue[] = [];
  for (const n of nodes) {
    for (const key of ["cpu", "memory"] as const) {
      const value = n.resources[key];
      if (value !== undefined && parseQuantity(value) === undefined) {
        issues.push({
          code: ErrorCode.INVALID_PLAN,
          message: `node "${n.id}"${n.location ? ` (${n.location})` : ""}: resources.${key} ${JSON.stringify(value)} is not a Kubernetes quantity; write e.g. ${key === "cpu" ? '"500m" or "2"' : '"512Mi" or "4Gi"'}`,
          path: ["nodes", n.id, "resources", key],
          nodes: [n.id],
        });
      }
    }
  }
  return issues;
}

function largest(nodes: readonly PlanNode[]): TaskRow["resources"] {
  let cpu: string | null = null;
  let memory: string | null = null;
  let gpu: number | null = null;
  for (const { resources: r } of nodes) {
    if (r.cpu !== undefined && parseQuantity(r.cpu) !== undefined)
      cpu = cpu === null ? r.cpu : maxQuantity(cpu, r.cpu);
    if (r.memory !== undefined && parseQuantity(r.memory) !== undefined)
      memory = memory === null ? r.memory : maxQuantity(memory, r.memory);
    if (r.gpu !== undefined && r.gpu > 0) gpu = Math.max(gpu ?? 0, r.gpu);
  }
  return cpu === null && memory === null && gpu === null ? null : [cpu, memory, gpu];
}
