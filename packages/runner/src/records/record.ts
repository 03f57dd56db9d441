import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { stateDir } from "../state.ts";
import type { NodeRecord, RunCounts, RunRecord } from "../types.ts";
import { writeFileAtomic } from "../util/atomic.ts";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A run id that sorts by start time: the ISO time with ":" and "." made file-safe, plus
 * a random suffix so two runs started in the same millisecond do not collide.
 *
 * @example
 * newRunId(new Date("2026-11-27T12:00:00Z")) // "2026-11-27T12-00-00-000Z-k3v9"
 */
export function newRunId(at: Date): string {
  const suffix = [...randomBytes(4)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
  return `${at.toISOString().replace(/[:.]/g, "-")}-${suffix}`;
}

export function countNodes(nodes: readonly NodeRecord[]): RunCounts {
  const counts: RunCounts = { ran: 0, cached: 0, failed: 0, skipped: 0 };
  for (const n of nodes) counts[n.status]++;
  return counts;
}

/** Where run records live: `runs/` in the state dir (`<root>/.pipewright` unless moved, see stateDir). */
export function runsDir(root: string): string {
  return join(stateDir(root), "runs");
}

/** Writes `<state dir>/runs/<id>.json` atomically. */
export function writeRunRecord(root: string, record: RunRecord): string {
  const file = join(runsDir(root), `${record.id}.json`);
  // Compact: a 10k-node record is several MB pretty-printed; `runs show` formats it.
  writeFileAtomic(file, `${JSON.stringify(record)}\n`);
  return file;
}
