import type { CredentialSecrets, GroupingOptions, PodConfig, Resources } from "@pipewright/core";

/** What `compileArgo` emits. */
export type ArgoKind = "workflow" | "template" | "cron";

/** Options of `compileArgo`; `pipewright compile --target argo` fills them from the project config. */
export interface ArgoOptions {
  /** Workflow (default), WorkflowTemplate or CronWorkflow. */
  kind?: ArgoKind;
  /** The user's image, holding the project (see docs/targets/argo.md for a Dockerfile). */
  image: string;
  /** Pipeline name passed to `run-node --pipeline` (default: the plan's pipeline). */
  pipeline?: string;
  /** Base of the object's name (default: derived from the pipeline name). */
  name?: string;
  /** Kubernetes namespace of the object. */
  namespace?: string;
  /** Service account of the workflow (its pods, unless `pod` says otherwise for some). */
  serviceAccountName?: string;
  /** Where the project lives in the image (default "/app"). */
  workingDir?: string;
  /**
   * The pipewright command in the image (default ["pipewright"]: the binary on PATH, as
   * the image in docs/targets/argo.md installs it; never npx, which may download).
   */
  command?: string[];
  /** Appended to every run-node call; the CLI appends its --params overrides after these. */
  extraArgs?: string[];
  /**
   * Where run-node keeps its state in the pod (run records, a local cache), set as
   * PIPEWRIGHT_STATE_DIR (default "/tmp/pipewright": writable by any user; mount an
   * emptyDir there with `pod.volumes` when the root file system is read-only).
   */
  stateDir?: string;
  /** Pod settings of every task, and overrides by tag, namespace or node (PodConfig in @pipewright/core). */
  pod?: PodConfig;
  /**
   * The Kubernetes Secret holding each named credentials entry of the catalog, as env
   * variables (default) or mounted files; a task gets those its datasets use. The
   * manifest names Secrets only, never a value.
   */
  credentials?: CredentialSecrets;
  /** Plain environment variables of every pod. */
  env?: Record<string, string>;
  /** Environment variables read from Kubernetes secrets (secretKeyRef): never a secret value in the YAML. */
  secretEnv?: Record<string, { secret: string; key: string }>;
  storage?: {
    /** s3:// URI of the shared cache store, set as PIPEWRIGHT_CACHE. */
    cache?: string;
    /** S3-compatible endpoint (MinIO, R2 ...), set as AWS_ENDPOINT_URL. */
    endpoint?: string;
    /** Set as AWS_REGION. */
    region?: string;
    /** Secret holding the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
    credentialsSecret?: string;
  };
  /** Default requests of every pod; a node's own resources win. */
  resources?: Resources;
  /**
   * Default extra attempts after a failure; a node's own `retries` (when > 0) wins. Argo
   * owns retries: run-node makes one attempt per node.
   */
  retries?: number;
  /** Backoff between attempts (Argo's retryStrategy.backoff; default { duration: "10s", factor: 2 }). */
  retryBackoff?: { duration?: string; factor?: number; maxDuration?: string };
  /**
   * Default seconds a node's code may run; a node's own `timeout` wins. run-node enforces
   * it around the node's code; the pod's deadline adds `startupSeconds`.
   */
  timeoutSeconds?: number;
  /**
   * Seconds a pod with a timeout gets on top of it for scheduling, pulling the image,
   * starting and loading the project: activeDeadlineSeconds = timeout + this (default 300).
   */
  startupSeconds?: number;
  /** At most this many pods at once (spec.parallelism). */
  parallelism?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** CronWorkflow only: cron schedules (Argo v4's `schedules` list). */
  schedules?: string[];
  /** CronWorkflow only: IANA time zone of the schedules. */
  timezone?: string;
  /** CronWorkflow only: what to do when a run is still going (default Allow). */
  concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
  /** How nodes are packed into pods (see groupTasks in @pipewright/core); default one node per pod. */
  group?: GroupingOptions;
  /** Also let Argo skip finished tasks (memoize); run-node's own cache works without it. */
  memoize?: { maxAge: string; configMap?: string } | false;
  /** Artifact repository of the workflow (Argo's logs, if archived). */
  artifactRepositoryRef?: { configMap: string; key: string };
  /**
   * Map nodes: at most this many pods (batches of partitions) per map node (default 100);
   * see docs/partitions.md.
   */
  fanOut?: { maxBatches?: number };
}

/** Every key of ArgoOptions, to report typos in a project config. */
export const OPTION_KEYS: readonly (keyof ArgoOptions)[] = [
  "kind",
  "image",
  "pipeline",
  "name",
  "namespace",
  "serviceAccountName",
  "workingDir",
  "command",
  "extraArgs",
  "stateDir",
  "pod",
  "credentials",
  "env",
  "secretEnv",
  "storage",
  "resources",
  "retries",
  "retryBackoff",
  "timeoutSeconds",
  "startupSeconds",
  "parallelism",
  "labels",
  "annotations",
  "schedules",
  "timezone",
  "concurrencyPolicy",
  "group",
  "memoize",
  "artifactRepositoryRef",
  "fanOut",
];

export const DEFAULT_COMMAND = ["pipewright"];
export const DEFAULT_STATE_DIR = "/tmp/pipewright";
export const DEFAULT_STARTUP_SECONDS = 300;
export const DEFAULT_BACKOFF = { duration: "10s", factor: 2 } as const;
export const DEFAULT_WORKING_DIR = "/app";
export const DEFAULT_MEMO_CONFIGMAP = "pipewright-memoize";
