import type { Plan } from "@pipewright/core";
import type { NodeStatus, VizRun, VizVertex } from "./types.ts";

/**
 * What the page needs from a run record: a structural subset of the runner's RunRecord,
 * so this package does not depend on @pipewright/runner.
 */
export interface RunOverlay {
  id: string;
  status: string;
  startedAt: string;
  nodes: {
    name: string;
    status: NodeStatus;
    durationMs: number;
    metrics?: Record<string, unknown>;
    error?: { message: string } | string;
    /** Map nodes: one entry per partition (only the count is shown). */
    partitions?: unknown[];
  }[];
}

/**
 * Copies each run entry onto its node's vertex. Entries are matched by qualified id,
 * then by bare name when exactly one node has it; the rest are reported as unmatched
 * (the plan changed since that run).
 */
export function attachRun(
  run: RunOverlay,
  plan: Plan,
  vertices: VizVertex[],
  nodeIndex: Map<string, number>,
): VizRun {
  const byName = new Map<string, number[]>();
  for (const n of plan.nodes)
    byName.set(n.name, [...(byName.get(n.name) ?? []), nodeIndex.get(n.id)!]);
  const counts: Record<NodeStatus, number> = { ran: 0, cached: 0, failed: 0, skipped: 0 };
  const unmatched: string[] = [];
  for (const entry of run.nodes) {
    const candidates = byName.get(entry.name);
    const i = nodeIndex.get(entry.name) ?? (candidates?.length === 1 ? candidates[0] : undefined);
    if (i === undefined) {
      unmatched.push(entry.name);
      continue;
    }
    if (entry.status in counts) counts[entry.status]++;
    const error = typeof entry.error === "string" ? entry.error : entry.error?.message;
    vertices[i]!.run = {
      status: entry.status,
      durationMs: entry.durationMs,
      ...(entry.metrics !== undefined && { metrics: entry.metrics }),
      ...(Array.isArray(entry.partitions) && { partitions: entry.partitions.length }),
      ...(error !== undefined && { error }),
    };
  }
  return { id: run.id, status: run.status, startedAt: run.startedAt, counts, unmatched };
}
