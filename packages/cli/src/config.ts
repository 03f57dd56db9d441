import type { Pipeline } from "@pipewright/core";

/** A pipeline factory: called only when that pipeline is used, so unused ones cost nothing to load. */
export type PipelineFactory = () =>
  | Pipeline
  | { default: Pipeline }
  | Promise<Pipeline | { default: Pipeline }>;

/** Options for `pipewright compile --target argo`; see @pipewright/argo's ArgoOptions. */
export type ArgoTarget = Record<string, unknown> & { image?: string };
/** Options for `pipewright compile --target airflow`; see @pipewright/airflow's AirflowOptions. */
export type AirflowTarget = Record<string, unknown> & { image?: string };

/** Options for `pipewright compile --target kubeflow`; see @pipewright/kubeflow's KubeflowOptions. */
export type KubeflowTarget = Record<string, unknown> & { image?: string };

export interface PipewrightConfig {
  /** Project name, shown by `ls` (default: the folder name). */
  name?: string;
  /**
   * Pipelines by name, each a function returning the pipeline (or a module with a
   * default export), e.g. `() => import("./src/pipelines/data-science.ts")`.
   */
  pipelines: Record<string, PipelineFactory>;
  /** Used when --pipeline is not given (default: "__default__" if present, else the first). */
  defaultPipeline?: string;
  /** Catalog file, relative to the project (default "conf/catalog.yaml"; false: none). */
  catalog?: string | false;
  /** Catalog entries declared in code; they win over the file's. */
  catalogEntries?: Record<string, unknown>;
  /** Params file (default "conf/params.yaml"; false: none). */
  params?: string | false;
  /** Credentials file, never printed (default "conf/credentials.yaml"; missing is fine). */
  credentials?: string;
  /** Cache store: a folder or s3:// URI (default .pipewright/cache; env PIPEWRIGHT_CACHE wins). */
  cache?: string;
  /** Defaults for each compile target. */
  targets?: { argo?: ArgoTarget; airflow?: AirflowTarget; kubeflow?: KubeflowTarget };
}

/**
 * Declares a project's configuration in `pipewright.config.ts`. Only typing: the CLI
 * loads the file with tsx, so it is plain TypeScript.
 *
 * @example
 * export default defineConfig({
 *   pipelines: { __default__: () => import("./src/pipelines/all.ts") },
 *   targets: { argo: { image: "ghcr.io/acme/spaceflights:1.0" } },
 * });
 */
export function defineConfig(config: PipewrightConfig): PipewrightConfig {
  return config;
}
