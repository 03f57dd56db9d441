import type {
  CredentialSecrets,
  GroupingOptions,
  PodConfig,
  PodTaskOptions,
} from "@pipewright/core";

/**
 * What `compileAirflow` emits, and how each task reaches the project. The fields every
 * engine shares (command, storage, pod, credentials, env, retries, timeouts ...) are
 * documented on PodTaskOptions in @pipewright/core. On Airflow: `pod` and `credentials`
 * apply to the kubernetes operator only; `stateDir` defaults to "/tmp/pipewright" in pods
 * and is set with the bash operator only when given; Airflow owns retries; a task's
 * execution_timeout is the timeout plus `startupSeconds`.
 */
export interface AirflowOptions extends PodTaskOptions {
  /** 3 (default): `airflow.sdk` and the standard provider. 2: Airflow 2.9+ import paths. */
  airflowVersion?: 2 | 3;
  /** "kubernetes" (default): a KubernetesPodOperator per task. "bash": a BashOperator next to the project. */
  operator?: "kubernetes" | "bash";
  /** The DAG id (default: the pipeline name, made safe for Airflow). */
  dagId?: string;
  /** The image holding the project; required with the kubernetes operator. */
  image?: string;
  /** With the bash operator: the project folder on the Airflow worker (required). */
  projectDir?: string;
  /** A cron expression or preset ("@daily"); null or absent: triggered by hand. */
  schedule?: string | null;
  /** ISO date (YYYY-MM-DD, UTC) the schedule starts from; fixed so the file is stable. Default "2024-01-01". */
  startDate?: string;
  catchup?: boolean;
  /** Default ["pipewright"]. */
  tags?: string[];
  /** Default 16. */
  maxActiveTasks?: number;
  /** First delay between attempts. Default 300. */
  retryDelaySeconds?: number;
  /** Double the delay after each failed attempt (Airflow's retry_exponential_backoff). Default true. */
  retryExponentialBackoff?: boolean;
  /** Longest delay between attempts (max_retry_delay). Default: none. */
  maxRetryDelaySeconds?: number;
  pool?: string;
  queue?: string;
  /** What happens to a finished pod (default "delete_pod"). */
  onFinishAction?: "delete_pod" | "keep_pod" | "delete_succeeded_pod";
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
