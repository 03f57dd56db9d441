// The options every engine adapter shares (Argo, Airflow, Kubeflow): how a task calls
// `run-node` in the image, and where data and the cache live in a cluster. Each adapter's
// options extend these, so a field means the same and is documented once; what differs by
// engine is said on the adapter's own interface.
import type { GroupingOptions } from "./grouping.ts";
import type { PodConfig } from "./pod.ts";
import type { CredentialSecrets } from "./pod-credentials.ts";

/**
 * Where data and the shared cache live in a cluster. Each field becomes an environment
 * variable of every task: `cache` PIPEWRIGHT_CACHE, `endpoint` AWS_ENDPOINT_URL, `region`
 * AWS_REGION; `credentialsSecret` names the Kubernetes Secret holding the keys
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
 */
export interface EngineStorage {
  /** s3:// URI of the shared cache store. */
  cache?: string;
  /** S3-compatible endpoint (MinIO, R2, GCS's XML API ...). */
  endpoint?: string;
  region?: string;
  /** Kubernetes Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
  credentialsSecret?: string;
}

/** How every engine task runs one node (or one group of nodes) through `pipewright run-node`. */
export interface EngineTaskOptions {
  /** Pipeline name passed to `run-node --pipeline` (default: the plan's pipeline). */
  pipeline?: string;
  /**
   * The pipewright command in the image or on the worker (default ["pipewright"]: the
   * binary on PATH; never npx, which may download at run time).
   */
  command?: string[];
  /**
   * Appended to every run-node call, e.g. `["--params", "model.alpha=0.1"]`; the CLI
   * appends its own --params overrides after these.
   */
  extraArgs?: string[];
  /** Where data and the shared cache live (environment variables of every task). */
  storage?: EngineStorage;
  /**
   * Default extra attempts after a failure; a node's own `retries` (when > 0) wins. The
   * engine owns retries: run-node makes one attempt.
   */
  retries?: number;
  /**
   * Default seconds a node's code may run; a node's own `timeout` wins. run-node enforces
   * it around the node's code; what deadline the engine adds is said on each adapter's
   * options.
   */
  timeoutSeconds?: number;
  /** How nodes are packed into tasks (see groupTasks); default one node per task. */
  group?: GroupingOptions;
}

/** The options of engines whose tasks are Kubernetes pods built by pipewright (Argo, Airflow). */
export interface PodTaskOptions extends EngineTaskOptions {
  /** Kubernetes namespace of the pods. */
  namespace?: string;
  serviceAccountName?: string;
  /**
   * Where run-node keeps its state (run records, a local cache), set as
   * PIPEWRIGHT_STATE_DIR (default "/tmp/pipewright" in pods: writable by any user; mount an
   * emptyDir there with `pod.volumes` when the root file system is read-only).
   */
  stateDir?: string;
  /** Pod settings of every task, and overrides by tag, namespace or node. */
  pod?: PodConfig;
  /**
   * The Kubernetes Secret holding each named credentials entry of the catalog, as env
   * variables (default) or mounted files; a task gets those its datasets use. The output
   * names Secrets only, never a value.
   */
  credentials?: CredentialSecrets;
  /** Plain environment variables of every task. */
  env?: Record<string, string>;
  /** Environment variables read from Kubernetes Secrets: references only, never a value. */
  secretEnv?: Record<string, { secret: string; key: string }>;
  /**
   * Seconds a task with a timeout gets on top of it to be scheduled, pull the image, start
   * and load the project (default 300).
   */
  startupSeconds?: number;
}
