import type { CredentialSecrets, GroupingOptions, PodConfig } from "@pipewright/core";

/** What `compileAirflow` emits, and how each task reaches the project. */
export interface AirflowOptions {
  /** 3 (default): `airflow.sdk` and the standard provider. 2: Airflow 2.9+ import paths. */
  airflowVersion?: 2 | 3;
  /** "kubernetes" (default): a KubernetesPodOperator per task. "bash": a BashOperator next to the project. */
  operator?: "kubernetes" | "bash";
  /** The pipeline name `run-node` compiles in the image (default: the plan's pipeline). */
  pipeline?: string;
  /** The DAG id (default: the pipeline name, made safe for Airflow). */
  dagId?: string;
  /** The image holding the project; required with the kubernetes operator. */
  image?: string;
  /** Kubernetes namespace of the pods (default: the provider's). */
  namespace?: string;
  serviceAccountName?: string;
  /** With the bash operator: the project folder on the Airflow worker (required). */
  projectDir?: string;
  /**
   * The pipewright command (default `["pipewright"]`: the binary on PATH in the image or
   * on the worker; never npx, which may download at run time).
   */
  command?: string[];
  /** Appended to every run-node call, e.g. `["--params", "model.alpha=0.1"]`; the CLI appends its --params after these. */
  extraArgs?: string[];
  /**
   * Where run-node keeps its state, set as PIPEWRIGHT_STATE_DIR: default "/tmp/pipewright"
   * in pods (writable by a non-root user); with bash, only when given.
   */
  stateDir?: string;
  /** Kubernetes operator only: pod settings of every task and overrides by tag, namespace or node (PodConfig in @pipewright/core). */
  pod?: PodConfig;
  /**
   * Kubernetes operator only: the Secret holding each named credentials entry of the
   * catalog (env variables or mounted files); a task gets those its datasets use.
   */
  credentials?: CredentialSecrets;
  /** Plain environment variables for every task. */
  env?: Record<string, string>;
  /** Environment variables read from Kubernetes secrets: references only, never values. */
  secretEnv?: Record<string, { secret: string; key: string }>;
  /**
   * Where data and the cache live in a cluster: `cache` becomes PIPEWRIGHT_CACHE,
   * `endpoint` AWS_ENDPOINT_URL, `region` AWS_REGION; the Kubernetes secret
   * `credentialsSecret` must hold the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
   */
  storage?: { cache?: string; endpoint?: string; region?: string; credentialsSecret?: string };
  /** A cron expression or preset ("@daily"); null or absent: triggered by hand. */
  schedule?: string | null;
  /** ISO date (YYYY-MM-DD, UTC) the schedule starts from; fixed so the file is stable. Default "2024-01-01". */
  startDate?: string;
  catchup?: boolean;
  /** Default ["pipewright"]. */
  tags?: string[];
  /** Default 16. */
  maxActiveTasks?: number;
  /** Default retries of a task whose nodes declare none. Default 0. Airflow owns retries: run-node makes one attempt. */
  retries?: number;
  /** First delay between attempts. Default 300. */
  retryDelaySeconds?: number;
  /** Double the delay after each failed attempt (Airflow's retry_exponential_backoff). Default true. */
  retryExponentialBackoff?: boolean;
  /** Longest delay between attempts (max_retry_delay). Default: none. */
  maxRetryDelaySeconds?: number;
  /**
   * Default seconds a node's code may run, for nodes that declare no `timeout`. run-node
   * enforces it; the task's execution_timeout adds `startupSeconds`.
   */
  timeoutSeconds?: number;
  /** Seconds added to a timeout for the pod (or process) to start and load the project. Default 300. */
  startupSeconds?: number;
  pool?: string;
  queue?: string;
  /** What happens to a finished pod (default "delete_pod"). */
  onFinishAction?: "delete_pod" | "keep_pod" | "delete_succeeded_pod";
  /** How nodes are packed into tasks (see groupTasks in @pipewright/core). Default: one task per node. */
  group?: GroupingOptions;
  /**
   * Map nodes: at most this many mapped task instances (batches of partitions) per map
   * node. Default 100; at most 1024, Airflow's default `[core] max_map_length`.
   */
  fanOut?: { maxBatches?: number };
}

/** Options with defaults applied and storage folded into env and secrets. */
export interface ResolvedOptions {
  version: 2 | 3;
  operator: "kubernetes" | "bash";
  pipeline: string;
  dagId: string;
  image: string | null;
  namespace: string | null;
  serviceAccountName: string | null;
  projectDir: string | null;
  command: string[];
  extraArgs: string[];
  env: [string, string][];
  /** [env name, secret, key]. */
  secrets: [string, string, string][];
  pod: PodConfig | undefined;
  credentials: CredentialSecrets | undefined;
  schedule: string | null;
  startDate: [number, number, number];
  catchup: boolean;
  tags: string[];
  maxActiveTasks: number;
  retries: number;
  retryDelaySeconds: number;
  retryExponentialBackoff: boolean;
  maxRetryDelaySeconds: number | null;
  /** The node timeout; execution_timeout is this plus startupSeconds. */
  timeoutSeconds: number | null;
  startupSeconds: number;
  pool: string | null;
  queue: string | null;
  onFinishAction: "delete_pod" | "keep_pod" | "delete_succeeded_pod";
  group: GroupingOptions;
  maxBatches: number;
}
