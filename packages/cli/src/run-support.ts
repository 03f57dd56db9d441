import { dirname, join } from "node:path";
import { stateDir, useHashMemo } from "@pipewright/core";
import type { RunRecord } from "@pipewright/runner";
import { findConfig } from "./config-file.ts";
import type { Io } from "./output.ts";
import type { Project } from "./project.ts";

/**
 * For a command that compiles, before it loads the project in `cwd`: the project's hash
 * memo (core's useHashMemo: the texts its last commands hashed, so that a cached command
 * of a small project need not load node:crypto).
 */
export function useProjectHashMemo(cwd: string): void {
  const config = findConfig(cwd);
  if (config) useHashMemo(join(stateDir(dirname(config)), "hashes.json"));
}

/**
 * For a command that will also hash data: the hash memo, and the data hash's WebAssembly
 * compiling started (io's prepareHashing), so that the first file hashed does not wait.
 */
export async function prepareToHash(cwd: string): Promise<void> {
  useProjectHashMemo(cwd);
  (await import("@pipewright/io")).prepareHashing();
}

/** Where the cache store lives: PIPEWRIGHT_CACHE (set by the Argo/Airflow adapters) wins over the config. */
export function cacheLocation(project: Project, env: NodeJS.ProcessEnv): { cacheDir?: string } {
  const dir = env.PIPEWRIGHT_CACHE || project.config.cache;
  return dir
    ? { cacheDir: dir.includes("://") || dir.startsWith("/") ? dir : `${project.root}/${dir}` }
    : {};
}

/**
 * Runs `work` with an AbortSignal tied to Ctrl-C: the first SIGINT/SIGTERM asks the runner
 * to stop gracefully (running nodes finish or are abandoned, nothing half-written); a
 * second one exits at once with 130.
 */
export async function interruptible<T>(
  io: Io,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = () => {
    count++;
    if (count === 1) {
      io.err(
        `\n${io.colours.yellow("interrupted")}: stopping after the running nodes (Ctrl-C again to quit now)\n`,
      );
      controller.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

export function countStatuses(
  record: RunRecord,
): Record<"ran" | "cached" | "failed" | "skipped", number> {
  const counts = { ran: 0, cached: 0, failed: 0, skipped: 0 };
  for (const n of record.nodes) counts[n.status as keyof typeof counts]++;
  return counts;
}

/** A run's exit code: 0 succeeded, 130 interrupted (Ctrl-C), 1 failed. */
export function exitCodeOf(record: RunRecord): number {
  return record.status === "succeeded" ? 0 : record.status === "interrupted" ? 130 : 1;
}
