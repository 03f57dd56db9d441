import { existsSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import {
  type CompileOptions,
  compile,
  didYouMean,
  ErrorCode,
  type FilterOptions,
  type Pipeline,
  PipewrightError,
  type Plan,
  stateDir,
} from "@pipewright/core";
import type { Catalog, Credentials, DataStore } from "@pipewright/io";
import type { PipewrightConfig } from "./config.ts";
import { importConfig } from "./loader.ts";

const CONFIG_NAMES = [
  "pipewright.config.ts",
  "pipewright.config.mts",
  "pipewright.config.js",
  "pipewright.config.mjs",
];

/** A loaded project: its config, and lazy access to pipelines, catalog and params. */
export interface Project {
  root: string;
  configFile: string;
  /** The module imported: a bundle of the project, or configFile itself (see loader.ts). */
  loadedFrom: string;
  config: PipewrightConfig;
  name: string;
  pipelineNames: string[];
  /** The name to use when --pipeline is not given. */
  defaultPipeline: string;
}

/** Finds pipewright.config.* in `dir` or its parents. */
export function findConfig(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    for (const name of CONFIG_NAMES) if (existsSync(join(d, name))) return join(d, name);
    if (dirname(d) === d) return undefined;
  }
}

/** Where a thrown error points in the user's code, from its stack: " (at src/x.ts:3)". */
function userFrame(error: unknown, root: string): string {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  for (const line of stack.split("\n").slice(1)) {
    const m = /((?:file:\/\/)?\/[^():]+):(\d+):\d+/.exec(line);
    if (!m) continue;
    const file = m[1]!.replace(/^file:\/\//, "");
    if (
      file.includes("/node_modules/") ||
      file.includes("/packages/cli/") ||
      !file.startsWith(root)
    )
      continue;
    return ` (at ${relative(root, file)}:${m[2]})`;
  }
  return "";
}

/** Loads the project around `cwd`: the config module is TypeScript, imported through tsx. */
export async function loadProject(cwd: string): Promise<Project> {
  const configFile = findConfig(cwd);
  if (!configFile) {
    throw new PipewrightError(
      ErrorCode.CONFIG_NOT_FOUND,
      `no pipewright.config.ts in ${cwd} or any parent folder. Run \`pipewright init\` to create a project, or pass --cwd DIR.`,
    );
  }
  const root = dirname(configFile);
  let config: PipewrightConfig;
  let loadedFrom = configFile;
  try {
    const loaded = await importConfig(configFile, root);
    config = (loaded.module as { default?: PipewrightConfig }).default as PipewrightConfig;
    loadedFrom = loaded.file;
  } catch (error) {
    throw new PipewrightError(
      ErrorCode.CONFIG_FAILED,
      `${relative(cwd, configFile) || basename(configFile)} failed to load: ${(error as Error).message}${userFrame(error, root)}`,
      { cause: error },
    );
  }
  if (
    !config ||
    typeof config !== "object" ||
    typeof config.pipelines !== "object" ||
    config.pipelines === null
  ) {
    throw new PipewrightError(
      ErrorCode.CONFIG_FAILED,
      `${basename(configFile)} must \`export default defineConfig({ pipelines: { name: () => ... } })\`.`,
    );
  }
  const pipelineNames = Object.keys(config.pipelines);
  const defaultPipeline =
    config.defaultPipeline ??
    (pipelineNames.includes("__default__") ? "__default__" : pipelineNames[0]!);
  return {
    root,
    configFile,
    loadedFrom,
    config,
    name: config.name ?? basename(root),
    pipelineNames,
    defaultPipeline,
  };
}

/** The pipeline name to use: the given one (checked) or the project's default. */
export function pipelineName(project: Project, name: string | undefined): string {
  const chosen = name ?? project.defaultPipeline;
  if (!project.pipelineNames.includes(chosen)) {
    throw new PipewrightError(
      ErrorCode.UNKNOWN_PIPELINE,
      `no pipeline named "${chosen}".${didYouMean(chosen, project.pipelineNames)} Pipelines: ${project.pipelineNames.join(", ")}.`,
    );
  }
  return chosen;
}

/** Calls one pipeline factory (and only that one: pipelines load lazily). */
export async function loadPipeline(project: Project, name: string): Promise<Pipeline> {
  const factory = project.config.pipelines[pipelineName(project, name)]!;
  let result: unknown;
  try {
    result = await factory();
  } catch (error) {
    throw new PipewrightError(
      ErrorCode.CONFIG_FAILED,
      `pipeline "${name}" failed to load: ${(error as Error).message}${userFrame(error, project.root)}`,
      { cause: error },
    );
  }
  const p = (result as { default?: unknown })?.default ?? result;
  if (!p || (p as { type?: string }).type !== "pipeline") {
    throw new PipewrightError(
      ErrorCode.CONFIG_FAILED,
      `pipeline "${name}" in ${basename(project.configFile)} must return a pipeline (from pipeline([...])).`,
    );
  }
  return p as Pipeline;
}

/** conf/credentials.yaml (or config.credentials); a missing file means "from the environment". */
export async function loadProjectCredentials(project: Project): Promise<Credentials> {
  const { loadCredentials } = await import("@pipewright/io");
  return loadCredentials(
    join(project.root, project.config.credentials ?? "conf/credentials.yaml"),
    process.env,
    project.root,
  );
}

/**
 * The catalog: conf/catalog.yaml (or config.catalog) plus entries declared in code. Every
 * `credentials:` name is checked against the credentials file when it loads.
 */
export async function loadCatalog(
  project: Project,
  credentials: Credentials,
): Promise<Catalog | undefined> {
  const { Catalog } = await import("@pipewright/io");
  const setting = project.config.catalog;
  const file = setting === false ? undefined : join(project.root, setting ?? "conf/catalog.yaml");
  const entries = project.config.catalogEntries;
  const options = { root: project.root, credentials };
  if (file && existsSync(file)) {
    const catalog = await Catalog.fromFile(file, options);
    return entries ? catalog.with(entries) : catalog;
  }
  if (setting !== undefined && setting !== false && file) {
    throw new PipewrightError(
      ErrorCode.CATALOG_INVALID,
      `catalog file ${setting} named in ${basename(project.configFile)} does not exist.`,
    );
  }
  return entries
    ? Catalog.fromEntries(entries, { ...options, source: basename(project.configFile) })
    : undefined;
}

/** Params from conf/params.yaml (or config.params) with --params overrides applied. */
export async function loadParams(
  project: Project,
  overrides: readonly string[],
  p: Pipeline,
): Promise<Record<string, unknown>> {
  // Imported here, not at the top: the YAML parser is not needed by `ls`, and start-up time counts.
  const { applyOverrides, readParamsFile } = await import("./params.ts");
  const setting = project.config.params;
  const base =
    setting === false
      ? {}
      : readParamsFile(join(project.root, setting ?? "conf/params.yaml"), project.root);
  return applyOverrides(base, overrides, [...p.index.params.keys()]);
}

export interface Compiled {
  name: string;
  /** The whole pipeline (node functions live here). */
  pipeline: Pipeline;
  /** The filtered pipeline that was compiled. */
  selected: Pipeline;
  plan: Plan;
  params: Record<string, unknown>;
  catalog: Catalog | undefined;
  /** Where data is read and written, with the project's credentials. */
  store: DataStore;
}

/** Loads, filters and compiles one pipeline of the project. */
export async function compileProject(
  project: Project,
  options: { pipeline?: string | undefined; overrides?: readonly string[]; filter?: FilterOptions },
): Promise<Compiled> {
  const name = pipelineName(project, options.pipeline);
  const p = await loadPipeline(project, name);
  const params = await loadParams(project, options.overrides ?? [], p);
  const credentials = await loadProjectCredentials(project);
  const catalog = await loadCatalog(project, credentials);
  const selected = options.filter ? p.filter(options.filter) : p;
  const compileOptions: CompileOptions = {
    name,
    params,
    root: project.root,
    stateDir: stateDir(project.root),
    ...(catalog && { catalog }),
    ...(options.filter && { filteredFrom: p }),
  };
  const plan = compile(selected, compileOptions);
  const { DataStore } = await import("@pipewright/io");
  return {
    name,
    pipeline: p,
    selected,
    plan,
    params,
    catalog,
    store: new DataStore({ root: project.root, credentials }),
  };
}
