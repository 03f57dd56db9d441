import {
  didYouMean,
  ErrorCode,
  type GroupingOptions,
  groupTasks,
  PipewrightError,
  type Plan,
  planHash,
} from "@pipewright/core";
import { DataStore } from "@pipewright/io";
import { z } from "zod";
import { defaultCacheDir, openCacheBackend } from "./cache/backend.ts";
import { CacheStore } from "./cache/store.ts";
import { DataAccess } from "./exec/data.ts";
import { recompute } from "./exec/execute.ts";
import { Execution } from "./exec/execution.ts";
import { materialize } from "./exec/inputs.ts";
import { now } from "./exec/node-record.ts";
import { schedule } from "./exec/schedule.ts";
import { IdMap, indexPlan } from "./plan-index.ts";
import { gitCommit } from "./records/git.ts";
import { countNodes, givenRunId, newRunId, writeRunRecord } from "./records/record.ts";
import { RunStore } from "./records/store.ts";
import type { MapBatch, RunNodesOptions, RunOptions, RunRecord, RunStatus } from "./types.ts";

/**
 * Runs a compiled plan: each node in topological order (or `parallel` at once), a cache
 * hit where the store has the node's key, and writes `.pipewright/runs/<id>.json`.
 * Resolves with the run record whatever the outcome; check `record.status`.
 *
 * @example
 * const plan = compile(p, { catalog, params, root });
 * const record = await runPipeline({ root, plan, pipeline: p, store: new DataStore({ root }) });
 * if (record.status !== "succeeded") process.exitCode = 1;
 */
export async function runPipeline(o: RunOptions): Promise<RunRecord> {
  return execute(o, o.plan.order, "run");
}

/**
 * Runs exactly the given nodes of a plan, as one engine task does (`pipewright run-node`):
 * inputs come from catalog storage (or the shared cache), outputs go to it. Refuses with
 * PLAN_HASH_MISMATCH when `planHash` is given and the plan hashes differently, and with
 * UNKNOWN_NODE for a node not in the plan.
 *
 * Each node gets one attempt unless `retries` says otherwise: the engine owns retries (it
 * reruns the whole task with backoff, and nodes that succeeded before are cache hits),
 * so a node's `retries` is not applied twice. With `worker`, a node that has a `timeout`
 * runs in a worker thread that is stopped when the timeout passes, even if its code never
 * yields.
 *
 * @example
 * await runNodes({ root, plan, pipeline: p, nodes: ["train"], planHash: "3f9a...", cacheDir: "s3://ml/cache" });
 */
export async function runNodes(o: RunNodesOptions): Promise<RunRecord> {
  if (o.planHash !== undefined) {
    const actual = planHash(o.plan);
    if (actual !== o.planHash) {
      throw new PipewrightError(
        ErrorCode.PLAN_HASH_MISMATCH,
        `the plan compiled in this image has hash ${actual}, but the task expects ${o.planHash}: the image and the workflow manifest come from different code or params. Rebuild and push the image, then compile the manifest again from the same commit.`,
      );
    }
  }
  const known = new Set(o.plan.order);
  const unknown = o.nodes.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new PipewrightError(
      ErrorCode.UNKNOWN_NODE,
      `node ${unknown.map((n) => `"${n}"`).join(", ")} is not in pipeline "${o.plan.pipeline}".${didYouMean(unknown[0]!, known)}`,
    );
  }
  if (o.batch !== undefined) checkBatch(o);
  const wanted = new Set(o.nodes);
  return execute(
    {
      ...o,
      retries: o.retries ?? 0,
      ...(o.planHash !== undefined && { verifiedPlanHash: o.planHash }),
    },
    o.plan.order.filter((id) => wanted.has(id)),
    "run-node",
  );
}

/** A batch is for one map node, and its numbers must make sense. */
function checkBatch(o: RunNodesOptions): void {
  const b = o.batch!;
  const node = o.plan.nodes.find((n) => n.id === o.nodes[0]);
  const problem =
    o.nodes.length !== 1
      ? "takes exactly one node"
      : !node?.map
        ? `is for map nodes; "${o.nodes[0]}" is not one`
        : !(
              Number.isInteger(b.of) &&
              b.of >= 1 &&
              Number.isInteger(b.index) &&
              b.index >= 0 &&
              b.index < b.of
            )
          ? `${b.index}/${b.of} is not a batch (0 ≤ index < count)`
          : undefined;
  if (problem) throw new PipewrightError(ErrorCode.USAGE, `--batch ${problem}.`);
}

/**
 * Fails before a plan goes to an engine if an in-memory dataset would have to cross
 * from one task to another (MEMORY_CROSSES_TASK, naming each dataset).
 *
 * @example
 * preflight(plan, { by: "node" });
 */
export function preflight(plan: Plan, grouping?: GroupingOptions): void {
  groupTasks(plan, grouping);
}

const anything = z.unknown();
const batchOf = (o: RunOptions) => (o as { batch?: MapBatch }).batch;

async function execute(
  o: RunOptions & { verifiedPlanHash?: string },
  order: readonly string[],
  kind: RunRecord["kind"],
): Promise<RunRecord> {
  const absent = order.filter((id) => !o.pipeline.index.byId.has(id));
  if (absent.length > 0) {
    throw new PipewrightError(
      ErrorCode.UNKNOWN_NODE,
      `plan node${absent.length > 1 ? "s" : ""} ${absent
        .slice(0, 5)
        .map((n) => `"${n}"`)
        .join(
          ", ",
        )} ${absent.length > 1 ? "are" : "is"} not in the pipeline given to the runner. Pass the pipeline the plan was compiled from.`,
    );
  }
  const started = new Date();
  const t0 = now();
  const runId =
    o.runId === undefined
      ? newRunId(started)
      : givenRunId(
          o.runId,
          kind !== "run-node"
            ? undefined
            : batchOf(o)
              ? // Every batch task of one workflow gets its own record.
                [`${order[0]}.batch-${batchOf(o)!.index}-of-${batchOf(o)!.of}`]
              : order,
        );
  const index = indexPlan(o.plan);
  const memory = o.memory ?? new IdMap<unknown>(index.datasetPosition);
  const store = o.store ?? new DataStore({ root: o.root });
  const useCache = o.cache !== false;
  const cache = useCache
    ? new CacheStore(
        openCacheBackend(o.cacheDir ?? defaultCacheDir(o.root), o.root, o.cacheStorage),
      )
    : undefined;
  const schemaOf = (id: string) => o.pipeline.index.datasets.get(id)?.schema ?? anything;
  const ex: Execution = new Execution(
    runId,
    index,
    new DataAccess(store, memory, schemaOf),
    cache,
    o,
  );
  ex.recompute = (node, reason) => recompute(ex, node, reason);
  // An indexed store has every pointer in memory already; others save reads with this hint.
  if (cache && !cache.indexed) ex.previousKeys = new RunStore(o.root).latestKeys();
  const params = o.params ?? Object.fromEntries(o.plan.params.map((p) => [p.id, p.value]));
  const parallel = Math.max(1, Math.floor(o.parallel ?? 1));
  const keepGoing = o.keepGoing ?? false;
  ex.parallel = parallel;
  ex.batch = batchOf(o);
  ex.keepGoing = keepGoing;

  // A node with a timeout that run-node must enforce runs where it can be stopped.
  const isolate =
    kind === "run-node" && order.some((id) => index.nodes.get(id)!.timeoutSeconds !== null);
  // Worker threads boot (tsx, the config module) while the main thread checks the cache.
  if (o.worker && ((parallel > 1 && order.length > 1) || isolate)) {
    // A kept pool is shared by later runs: size it by `parallel`, not by this run's nodes.
    ex.startWorkers(o.worker.keep ? parallel : Math.min(parallel, order.length), o.worker);
  }
  ex.emit({
    type: "run-start",
    runId,
    pipeline: o.pipelineName ?? o.plan.pipeline,
    nodes: [...order],
  });
  await o.hooks?.beforeRun?.({ runId, plan: o.plan, params });
  try {
    await schedule(ex, order, parallel, keepGoing);
    // A caller who passed `memory` wants the in-memory outputs, cached ones included.
    if (o.memory) await loadCachedOutputs(ex, order);
  } finally {
    await ex.close();
    cache?.close();
  }

  const nodes = order.map((id) => ex.records.get(id)!);
  const counts = countNodes(nodes);
  const interrupted = o.signal?.aborted === true && counts.skipped > 0;
  const status: RunStatus = interrupted
    ? "interrupted"
    : counts.failed > 0
      ? "failed"
      : "succeeded";
  const commit = gitCommit(o.root);
  const record: RunRecord = {
    id: runId,
    pipeline: o.pipelineName ?? o.plan.pipeline,
    status,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    params,
    ...(commit !== undefined && { gitCommit: commit }),
    nodes,
    durationMs: Math.round(now() - t0),
    counts,
    ...(o.verifiedPlanHash !== undefined && { planHash: o.verifiedPlanHash }),
    kind,
    options: { parallel, cache: useCache, keepGoing },
  };
  writeRunRecord(o.root, record);
  ex.emit({ type: "run-done", record });
  await o.hooks?.afterRun?.(record);
  return record;
}

async function loadCachedOutputs(ex: Execution, order: readonly string[]): Promise<void> {
  for (const id of order) {
    if (ex.records.get(id)?.status !== "cached") continue;
    for (const ds of Object.values(ex.index.nodes.get(id)!.outputs)) {
      if (ex.pending.has(ds)) await materialize(ex, ex.index.datasets.get(ds)!, id);
    }
  }
}
