import type { GroupingOptions, Pipeline, Plan, PlanNode } from "@pipewright/core";
import type { DataStore, StorageOptions } from "@pipewright/io";

/** Why a node must run, as `pipewright status` and the run record report it. */
export type CacheCauseKind =
  | "first-run"
  | "code"
  | "param"
  | "input"
  | "schema"
  | "package"
  | "no-cache"
  | "missing-output";

/**
 * One reason a node misses the cache. `detail` is a sentence for people; the other
 * fields are for tools: code -> `file`; param -> `name`, `old`, `new`; input ->
 * `dataset`, `upstream`; schema -> `dataset`; package -> `name`, `old`, `new`.
 */
export interface CacheCause {
  kind: CacheCauseKind;
  detail: string;
  file?: string;
  name?: string;
  old?: unknown;
  new?: unknown;
  dataset?: string;
  upstream?: string | null;
}

/** A node's cache state before a run (`pipewright status --json` lists these). */
export interface NodeStatus {
  /** The node id (qualified name). */
  name: string;
  state: "cached" | "run";
  /** Empty when cached. */
  causes: CacheCause[];
  /** The full cache key, when every input's content hash is known now. */
  cacheKey: string | null;
  /**
   * Map nodes: how many partitions there are and would run; null counts when they cannot
   * be known before an upstream node runs.
   */
  partitions?: PartitionStatus;
}

/** What `status` says of a map node's partitions. */
export interface PartitionStatus {
  total: number | null;
  run: number | null;
  /** Partitions that would run, by cause, with up to 20 names each. */
  new: { count: number; names: string[] };
  changed: { count: number; names: string[] };
  /** Partitions of the last run whose input is gone: their outputs will be deleted. */
  removed: { count: number; names: string[] };
}

/** The error of a failed node, as stored in the run record. */
export interface NodeErrorRecord {
  code: string;
  message: string;
  stack?: string;
  cause?: { name: string; message: string; stack?: string };
}

/** One node in a run record. */
export interface NodeRecord {
  /** The node id (qualified name). */
  name: string;
  status: "ran" | "cached" | "failed" | "skipped";
  durationMs: number;
  /** The full cache key (static key + input hashes); null when the inputs were never known. */
  cacheKey: string | null;
  /** Dataset id -> content hash of what the node read. */
  inputs: Record<string, string>;
  /** Dataset id -> content hash of what the node wrote (or what the cache holds). */
  outputs: Record<string, string>;
  /** Metrics dataset id -> the value the node returned. */
  metrics?: Record<string, unknown>;
  error?: NodeErrorRecord;
  /** Attempts made (1 + retries used); 0 for cached and skipped nodes. */
  attempts: number;
  /** Why the node ran instead of hitting the cache. */
  causes?: CacheCause[];
  /** Outputs copied back from the cache store because the stored ones were gone or changed. */
  restored?: string[];
  /** Map nodes: one record per partition, sorted by name. */
  partitions?: PartitionRecord[];
  /** Map nodes: partitions of the outputs deleted because their input partition is gone. */
  removedPartitions?: string[];
  /** Something the user should know that did not fail the node (e.g. zero partitions). */
  warnings?: string[];
}

/** One partition of a map node in a run record. */
export interface PartitionRecord {
  name: string;
  status: "ran" | "cached" | "failed" | "skipped";
  durationMs: number;
  /** The partition's full key; null when it was never computed. */
  cacheKey: string | null;
  /** The content hash of the partition (or list item) it read. */
  input: string | null;
  /** Output dataset id -> content hash of the partition written (or cached). */
  outputs: Record<string, string>;
  metrics?: Record<string, unknown>;
  error?: NodeErrorRecord;
  attempts: number;
  /** Why it ran: "new" (no earlier run of this partition), "changed", "missing-output", "no-cache". */
  cause?: PartitionCause;
}

/** A map node's partitions in progress events. */
export interface PartitionCounts {
  ran: number;
  cached: number;
  total: number;
}

export type PartitionCause = "new" | "changed" | "missing-output" | "no-cache";

export type RunStatus = "succeeded" | "failed" | "interrupted";

/** `.pipewright/runs/<id>.json`. The DESIGN.md fields are stable; the others are extras. */
export interface RunRecord {
  /** Sortable by time: 2026-11-27T12-00-00-000Z-abcd. */
  id: string;
  pipeline: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  params: Record<string, unknown>;
  gitCommit?: string;
  nodes: NodeRecord[];
  durationMs: number;
  counts: RunCounts;
  /** run-node only: the plan hash the task was started with, verified against this image's plan. */
  planHash?: string;
  /** "run" for runPipeline, "run-node" for runNodes. */
  kind: "run" | "run-node";
  options: { parallel: number; cache: boolean; keepGoing: boolean };
}

export interface RunCounts {
  ran: number;
  cached: number;
  failed: number;
  skipped: number;
}

/** `runs ls --json` rows. */
export interface RunSummary {
  id: string;
  pipeline: string;
  status: RunStatus;
  startedAt: string;
  counts: RunCounts;
  durationMs: number;
}

/** Progress for the CLI and integrations, emitted synchronously as the run goes. */
export type RunEvent =
  | { type: "run-start"; runId: string; pipeline: string; nodes: string[] }
  | { type: "node-start"; node: string; attempt: number }
  | { type: "node-cached"; node: string; restored: string[]; partitions?: PartitionCounts }
  | { type: "node-output"; node: string; dataset: string; hash: string }
  | { type: "node-done"; node: string; durationMs: number; partitions?: PartitionCounts }
  | { type: "node-retry"; node: string; attempt: number; error: Error }
  | { type: "node-failed"; node: string; error: Error }
  | { type: "node-skipped"; node: string; reason: string }
  | { type: "node-warning"; node: string; message: string }
  | { type: "partition-done"; node: string; partition: string; status: "ran" | "cached" }
  | { type: "partition-failed"; node: string; partition: string; error: Error }
  | { type: "cache-stored"; node: string; key: string }
  | { type: "run-done"; record: RunRecord };

/** What node hooks receive. */
export interface NodeHookContext {
  runId: string;
  node: PlanNode;
  /** Input key -> value (datasets and params). */
  inputs: Record<string, unknown>;
  attempt: number;
  /** A map node's hooks are called per partition that runs: which one. */
  partition?: string;
}

/**
 * Integration points (experiment trackers, notifications). Each may be async; the runner
 * awaits it. An error thrown by a node hook fails that node; by a run hook, the run.
 * beforeNode/afterNode are called only for nodes that execute, not for cache hits.
 */
export interface RunHooks {
  beforeRun?(ctx: {
    runId: string;
    plan: Plan;
    params: Record<string, unknown>;
  }): void | Promise<void>;
  afterRun?(record: RunRecord): void | Promise<void>;
  beforeNode?(ctx: NodeHookContext): void | Promise<void>;
  afterNode?(
    ctx: NodeHookContext & { outputs: Record<string, unknown>; record: NodeRecord },
  ): void | Promise<void>;
  /** Called for every failed attempt; `willRetry` says whether another attempt follows. */
  onNodeError?(ctx: NodeHookContext & { error: Error; willRetry: boolean }): void | Promise<void>;
}

export interface RunOptions {
  /** Project root; state lives in `<root>/.pipewright/` (or $PIPEWRIGHT_STATE_DIR, see stateDir). */
  root: string;
  /** The compiled (maybe filtered) plan to execute. */
  plan: Plan;
  /** The in-memory pipeline the plan was compiled from: it holds the functions and schemas. */
  pipeline: Pipeline;
  /** Default: `new DataStore({ root })`. */
  store?: DataStore;
  /** Default `<root>/.pipewright/cache`; an s3:// URI shares the cache across a cluster. */
  cacheDir?: string;
  /** How to reach an s3:// cacheDir: credentials entries and which to use (default: the AWS environment). */
  cacheStorage?: CacheStorageOptions;
  /** false = --no-cache: every node runs and the cache is neither read nor written. */
  cache?: boolean;
  /** Nodes running at once (default 1). With `worker`, each runs in a worker thread. */
  parallel?: number;
  /** Keep running nodes that do not depend on a failure (default false: fail fast). */
  keepGoing?: boolean;
  /**
   * Extra attempts for every node; default: each node's own `retries` (runNodes: 0, since
   * the engine running the task retries it).
   */
  retries?: number;
  hooks?: RunHooks;
  /** Abort (Ctrl-C): stop scheduling, abandon running nodes, write nothing partial. */
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /**
   * For parallel > 1 with CPU-bound nodes: a module (pipewright.config.ts) whose default
   * export has `pipelines: Record<string, () => Pipeline | Promise<Pipeline>>`; each
   * worker thread imports it and finds nodes by id in `pipelines[pipeline]`. runNodes
   * also uses it for nodes with a timeout, so that the timeout can stop them.
   */
  worker?: {
    module: string;
    pipeline: string;
    /**
     * Keep the threads for later runs in this process (same module, pipeline and size):
     * they boot once. End them with closeWorkers(); idle, they do not keep the process alive.
     */
    keep?: boolean;
  };
  /** Shown in the run record (default: plan.pipeline). */
  pipelineName?: string;
  /** Recorded params (default: the plan's param values). */
  params?: Record<string, unknown>;
  runId?: string;
  /**
   * In-memory dataset values by dataset id: pre-fill it to provide in-memory inputs, read
   * it after the run for in-memory outputs. Default: a fresh Map.
   */
  memory?: Map<string, unknown>;
}

/** @pipewright/io storage options for the cache store, minus the project root. */
export type CacheStorageOptions = Omit<StorageOptions, "root">;

export interface RunNodesOptions extends RunOptions {
  /** Node ids to run, exactly these. */
  nodes: string[];
  /** When given, refuse to run unless planHash(plan) equals it. */
  planHash?: string;
  /** One map node only: run this slice of its partitions (an engine's fanned-out task). */
  batch?: MapBatch;
}

/**
 * Slice `index` of `of` of a map node's partitions in name order (the contiguous run of
 * positions p with floor(p * of / count) = index), as `fanOut` lists them. `listing`
 * (from fanOut) makes the task refuse when the partitions changed since they were listed.
 */
export interface MapBatch {
  index: number;
  of: number;
  listing?: string;
}

export interface ExplainOptions {
  root: string;
  plan: Plan;
  store?: DataStore;
  cacheDir?: string;
  cacheStorage?: CacheStorageOptions;
  cache?: boolean;
  memory?: Map<string, unknown>;
}

export type { GroupingOptions };
