export { defaultCacheDir } from "./cache/backend.ts";
export { explainPlan } from "./cache/explain.ts";
export { closeWorkers, startWorkers } from "./exec/kept-pool.ts";
export { type FanOut, fanOut, parseBatch } from "./fan-out.ts";
export { diffRuns, type PartitionsDiff, type RunDiff } from "./records/diff.ts";
export { gitCommit } from "./records/git.ts";
export { RunStore } from "./records/store.ts";
export { preflight, runNodes, runPipeline } from "./run.ts";
export { STATE_DIR_ENV, stateDir } from "./state.ts";
export type {
  CacheCause,
  CacheCauseKind,
  CacheStorageOptions,
  ExplainOptions,
  MapBatch,
  NodeErrorRecord,
  NodeHookContext,
  NodeRecord,
  NodeStatus,
  PartitionCause,
  PartitionRecord,
  PartitionStatus,
  RunCounts,
  RunEvent,
  RunHooks,
  RunNodesOptions,
  RunOptions,
  RunRecord,
  RunStatus,
  RunSummary,
} from "./types.ts";
