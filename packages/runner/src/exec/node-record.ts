import { ErrorCode, PipewrightError, type PlanNode } from "@pipewright/core";
import { byDataset } from "../records/record.ts";
import type { NodeRecord } from "../types.ts";
import { asError, errorRecord } from "../util/errors.ts";
import type { Execution } from "./execution.ts";

/**
 * Milliseconds from an arbitrary origin, for durations. Not `performance.now()`: the
 * `performance` global loads Node's perf_hooks (eight modules, ~1 ms of a cached
 * `run-node`) on first use.
 */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** What is known of a node's attempt so far, for its record. */
export interface Attempt {
  key: string | null;
  inputs: Record<string, string>;
  attempts: number;
}

export function base(
  node: PlanNode,
  status: NodeRecord["status"],
  started: number,
  state: Attempt,
): NodeRecord {
  return {
    name: node.id,
    status,
    durationMs: Math.round((now() - started) * 1000) / 1000,
    cacheKey: state.key,
    inputs: state.inputs,
    outputs: byDataset(),
    attempts: state.attempts,
  };
}

export function failure(
  ex: Execution,
  node: PlanNode,
  state: Attempt,
  started: number,
  error: unknown,
): NodeRecord {
  const e = asError(error);
  const isInterrupt = e instanceof PipewrightError && e.code === ErrorCode.RUN_INTERRUPTED;
  const record = base(node, isInterrupt ? "skipped" : "failed", started, state);
  record.error = errorRecord(e);
  if (isInterrupt) ex.emit({ type: "node-skipped", node: node.id, reason: "interrupted" });
  else ex.emit({ type: "node-failed", node: node.id, error: e });
  return record;
}
