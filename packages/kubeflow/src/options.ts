import type { EngineTaskOptions, Resources } from "@pipewright/core";
import type { PodConfig } from "./pod.ts";

/** Where the pipeline file runs: the Kubeflow Pipelines API server, or Google's Vertex AI Pipelines. */
export type KubeflowEngine = "kubeflow" | "vertex";

/**
 * Options of `compileKubeflow`; `pipewright compile --target kubeflow` fills them from the
 * project config. The fields every engine shares (command, extraArgs, storage, retries,
 * timeoutSeconds, group) are documented on EngineTaskOptions in @pipewright/core. On
 * Kubeflow: KFP retries (run-node does not); with engine "kubeflow" a pod also gets
 * activeDeadlineSeconds, its nodes' timeouts summed; `storage.credentialsSecret` applies to
 * the "kubeflow" engine only; and `pod` is Kubeflow's own PodConfig (what KFP's platform
 * spec can set).
 */
export interface KubeflowOptions extends EngineTaskOptions {
  /** The user's image, holding the project (see docs/targets/kubeflow.md for a Dockerfile). */
  image: string;
  /**
   * "kubeflow" (default): also emits the Kubernetes platform spec (secrets, volumes, node
   * selectors, tolerations, pull secrets, timeouts). "vertex": one document, and settings
   * that only Kubernetes can apply are refused rather than dropped.
   */
  engine?: KubeflowEngine;
  /** Base of `pipelineInfo.name` (default: derived from the pipeline name). */
  name?: string;
  /** `pipelineInfo.description` (default: where the file came from). */
  description?: string;
  /** Where the project lives in the image, passed as `--cwd` (default "/app"). */
  workingDir?: string;
  /** Default resources of every task; a node's own resources win. */
  resources?: Resources;
  /**
   * Accelerator type for nodes that ask for GPUs: default "nvidia.com/gpu" on Kubeflow;
   * required on Vertex AI, e.g. "NVIDIA_TESLA_T4".
   */
  accelerator?: string;
  /**
   * Also let KFP skip tasks it has run before (default false: run-node's cache decides,
   * and it also sees the content of free inputs, which KFP's cache key cannot).
   */
  kfpCache?: boolean;
  /** `defaultPipelineRoot`: where KFP keeps its own logs and metadata (gs://, s3://, minio://). */
  pipelineRoot?: string;
  /** Pod settings of every task, with per-tag and per-namespace overrides. */
  pod?: PodConfig;
  /**
   * Map nodes fan out: a listing task, then a ParallelFor with one iteration per batch of
   * partitions. `maxBatches` (default 100, at most 1000) bounds the iterations of one map
   * node; `parallelism` bounds how many run at once (KFP's iteratorPolicy.parallelismLimit;
   * default: no limit).
   */
  fanOut?: { maxBatches?: number; parallelism?: number };
}

/** Every key of KubeflowOptions, to report typos in a project config. */
export const OPTION_KEYS: readonly (keyof KubeflowOptions)[] = [
  "image",
  "engine",
  "pipeline",
  "name",
  "description",
  "workingDir",
  "command",
  "extraArgs",
  "storage",
  "resources",
  "accelerator",
  "retries",
  "timeoutSeconds",
  "kfpCache",
  "pipelineRoot",
  "group",
  "pod",
  "fanOut",
];

export const DEFAULT_COMMAND = ["pipewright"];
export const DEFAULT_WORKING_DIR = "/app";
export const DEFAULT_ACCELERATOR = "nvidia.com/gpu";
