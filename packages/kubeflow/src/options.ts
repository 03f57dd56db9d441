import type { GroupingOptions, Resources } from "@pipewright/core";
import type { PodConfig } from "./pod.ts";

/** Where the pipeline file runs: the Kubeflow Pipelines API server, or Google's Vertex AI Pipelines. */
export type KubeflowEngine = "kubeflow" | "vertex";

/** Options of `compileKubeflow`; `pipewright compile --target kubeflow` fills them from the project config. */
export interface KubeflowOptions {
  /** The user's image, holding the project (see docs/targets/kubeflow.md for a Dockerfile). */
  image: string;
  /**
   * "kubeflow" (default): also emits the Kubernetes platform spec (secrets, volumes, node
   * selectors, tolerations, pull secrets, timeouts). "vertex": one document, and settings
   * that only Kubernetes can apply are refused rather than dropped.
   */
  engine?: KubeflowEngine;
  /** Pipeline name passed to `run-node --pipeline` (default: the plan's pipeline). */
  pipeline?: string;
  /** Base of `pipelineInfo.name` (default: derived from the pipeline name). */
  name?: string;
  /** `pipelineInfo.description` (default: where the file came from). */
  description?: string;
  /** Where the project lives in the image, passed as `--cwd` (default "/app"). */
  workingDir?: string;
  /** The pipewright command in the image (default ["pipewright"], the bin on the PATH). */
  command?: string[];
  /** Appended to every run-node call (the CLI passes its --params overrides here). */
  extraArgs?: string[];
  storage?: {
    /** s3:// URI of the shared cache store, set as PIPEWRIGHT_CACHE. */
    cache?: string;
    /** S3-compatible endpoint (MinIO, GCS's XML API ...), set as AWS_ENDPOINT_URL. */
    endpoint?: string;
    /** Set as AWS_REGION. */
    region?: string;
    /** Kubernetes secret holding the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (kubeflow only). */
    credentialsSecret?: string;
  };
  /** Default resources of every task; a node's own resources win. */
  resources?: Resources;
  /**
   * Accelerator type for nodes that ask for GPUs: default "nvidia.com/gpu" on Kubeflow;
   * required on Vertex AI, e.g. "NVIDIA_TESLA_T4".
   */
  accelerator?: string;
  /** Default extra attempts after a failure; a node's own `retries` (when > 0) wins. KFP retries, run-node does not. */
  retries?: number;
  /** Default seconds an attempt may run; a node's own `timeout` wins. */
  timeoutSeconds?: number;
  /**
   * Also let KFP skip tasks it has run before (default false: run-node's cache decides,
   * and it also sees the content of free inputs, which KFP's cache key cannot).
   */
  kfpCache?: boolean;
  /** `defaultPipelineRoot`: where KFP keeps its own logs and metadata (gs://, s3://, minio://). */
  pipelineRoot?: string;
  /** How nodes are packed into tasks (see groupTasks in @pipewright/core); default one node per task. */
  group?: GroupingOptions;
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
