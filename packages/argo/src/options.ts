import type { PodTaskOptions, Resources } from "@pipewright/core";

/** What `compileArgo` emits. */
export type ArgoKind = "workflow" | "template" | "cron";

/**
 * Options of `compileArgo`; `pipewright compile --target argo` fills them from the project
 * config. The fields every engine shares (command, storage, pod, credentials, env, retries,
 * timeouts ...) are documented on PodTaskOptions in @pipewright/core. On Argo: `namespace`
 * and `serviceAccountName` are the Workflow's (its pods', unless `pod` says otherwise for
 * some); Argo owns retries (retryStrategy); a pod's activeDeadlineSeconds is the
 * timeout plus `startupSeconds`.
 */
export interface ArgoOptions extends PodTaskOptions {
  /** Workflow (default), WorkflowTemplate or CronWorkflow. */
  kind?: ArgoKind;
  /** The user's image, holding the project (see docs/targets/argo.md for a Dockerfile). */
  image: string;
  /** Base of the object's name (default: derived from the pipeline name). */
  name?: string;
  /** Where the project lives in the image (default "/app"). */
  workingDir?: string;
  /** Default requests of every pod; a node's own resources win. */
  resources?: Resources;
  /** Backoff between attempts (Argo's retryStrategy.backoff; default { duration: "10s", factor: 2 }). */
  retryBackoff?: { duration?: string; factor?: number; maxDuration?: string };
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
