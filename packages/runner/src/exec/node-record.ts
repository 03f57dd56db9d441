import { ErrorCode, PipewrightError, type PlanNode } from "@pipewright/core";
import { byDataset } from "../records/record.ts";
import type { NodeRecord } from "../types.ts";
import { asError, errorRecord } from "../util/errors.ts";
import type { Execution } from "./execution.ts";

export const now = (): number => performance.now();

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
