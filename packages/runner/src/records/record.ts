import { join } from "node:path";
import {
  ErrorCode,
  keyedObject,
  PipewrightError,
  randomTag,
  sha256,
  writeFileAtomicParts,
} from "@pipewright/core";
import { stateDir } from "../state.ts";
import type { NodeRecord, RunCounts, RunRecord } from "../types.ts";
import { jsonParts } from "./json-parts.ts";
import { storedRecord } from "./partition-columns.ts";

/**
 * A run id that sorts by start time: the ISO time with ":" and "." made file-safe, plus
 * a random suffix so two runs started in the same millisecond do not collide.
 *
 * @example
 * newRunId(new Date("2026-11-27T12:00:00Z")) // "2026-11-27T12-00-00-000Z-k3v9"
 */
export function newRunId(at: Date): string {
  const suffix = randomTag(4);
  return `${at.toISOString().replace(/[:.]/g, "-")}-${suffix}`;
}

/** What a given run id may hold: it becomes a file name, so no separators and no "..". */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Longest record id: file systems allow 255 bytes for a name, and ".json" follows. */
const MAX_ID = 200;

/**
 * The id of a run given `--run-id` (untrusted: it comes from an engine's template). A
 * task of several nodes appends them; a long list is shortened to its first node, the
 * count and a hash, so any group of node names gives a valid, unique file name.
 */
export function givenRunId(runId: string, nodes: readonly string[] | undefined): string {
  if (!RUN_ID.test(runId) || runId.includes("..")) {
    throw new PipewrightError(
      ErrorCode.USAGE,
      `--run-id ${JSON.stringify(runId.slice(0, 120))} is not a valid run id: use up to 100 letters, digits, ".", "_" and "-", starting with a letter or digit (no "/" or "..").`,
    );
  }
  if (!nodes) return runId;
  const joined = `${runId}-${nodes.join("+")}`;
  if (joined.length <= MAX_ID) return joined;
  const digest = sha256(nodes.join("\0")).slice(0, 12);
  const first = nodes[0]!.slice(0, 60);
  return `${runId}-${first}+${nodes.length - 1}-more-${digest}`;
}

/**
 * An empty object for a node record's dataset id -> hash maps (`inputs`, `outputs`): their
 * keys differ from node to node, so an ordinary `{}` grew V8's transition tree by one
 * hidden class per key (100k of them on a 100k-node run). See core's keyedObject.
 */
export const byDataset: <T>() => Record<string, T> = keyedObject;

export function countNodes(nodes: readonly NodeRecord[]): RunCounts {
  const counts: RunCounts = { ran: 0, cached: 0, failed: 0, skipped: 0 };
  for (const n of nodes) counts[n.status]++;
  return counts;
}

/** Where run records live: `runs/` in the state dir (`<root>/.pipewright` unless moved, see stateDir). */
export function runsDir(root: string): string {
  return join(stateDir(root), "runs");
}

/** Writes `<state dir>/runs/<id>.json` atomically (format 2, see storedRecord). */
export function writeRunRecord(root: string, record: RunRecord): string {
  const file = join(runsDir(root), `${record.id}.json`);
  // Compact: a 10k-node record is several MB pretty-printed; `runs show` formats it. In
  // parts: a 100k-node one is ~33 MB even so.
  writeFileAtomicParts(file, jsonParts(storedRecord(record) as Record<string, unknown>, "nodes"));
  return file;
}
