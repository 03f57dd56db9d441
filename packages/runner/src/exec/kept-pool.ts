import { resolve } from "node:path";
import type { WorkerInit } from "../worker/protocol.ts";
import { WorkerPool } from "./pool.ts";

const kept = new Map<string, WorkerPool>();

/**
 * A pool kept between runs in this process (`worker.keep`): the threads boot once and
 * later runs with the same module, pipeline and size reuse them.
 */
export function keptPool(size: number, init: WorkerInit): WorkerPool {
  const key = JSON.stringify([resolve(init.module), init.pipeline, size]);
  let pool = kept.get(key);
  if (!pool) {
    pool = new WorkerPool(size, init);
    kept.set(key, pool);
  }
  return pool;
}

/**
 * Boots worker threads before a run, so they load while the caller does other work
 * (the CLI: loading the config and compiling). A run with the same `worker` (and
 * `keep: true`) and `parallel` then uses them.
 *
 * @example
 * startWorkers({ module: configPath, pipeline: "__default__", parallel: 4 });
 * const plan = compile(await loadPipeline(), options);
 * await runPipeline({ ..., parallel: 4, worker: { module: configPath, pipeline: "__default__", keep: true } });
 */
export function startWorkers(o: { module: string; pipeline: string; parallel: number }): void {
  keptPool(o.parallel, { module: o.module, pipeline: o.pipeline }).park();
}

/**
 * Terminates the worker threads kept by runs with `worker.keep`.
 *
 * @example
 * await runPipeline({ ..., parallel: 4, worker: { module, pipeline: "train", keep: true } });
 * await closeWorkers();
 */
export async function closeWorkers(): Promise<void> {
  const pools = [...kept.values()];
  kept.clear();
  await Promise.all(pools.map((p) => p.close()));
}
