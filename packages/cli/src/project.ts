import { existsSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import {
  type CompileOptions,
  closest,
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
import { unknownEntryIssues, unmatchedEntries } from "./catalog-check.ts";
import type { PipewrightConfig } from "./config.ts";
import { findConfig } from "./config-file.ts";
import { confFile, deepMerge, type Environment, resolveEnvironment } from "./environment.ts";
import { importConfig } from "./loader.ts";

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

/**
 * Credentials: conf/base/credentials.yaml (or config.credentials, or the flat
 * conf/credentials.yaml) with the environment's credentials.yaml over it, name by name.
 * A missing file means "from the environment". Values never enter the plan: the catalog
 * names credentials, and only the name is recorded.
 */
export async function loadProjectCredentials(
  project: Project,
  env: Environment = resolveEnvironment(project.root, undefined),
): Promise<Credentials> {
  const { loadCredentials } = await import("@pipewright/io");
  const setting = project.config.credentials;
  const base =
    setting !== undefined
      ? join(project.root, setting)
      : (confFile(env.baseDir, "credentials") ?? join(env.baseDir, "credentials.yaml"));
  const credentials = await loadCredentials(base, process.env, project.root);
  const overlay = confFile(env.overlayDir, "credentials");
  if (!overlay) return credentials;
  return { ...credentials, ...(await loadCredentials(overlay, process.env, project.root)) };
}

/**
 * The catalog: conf/base/catalog.yaml (or config.catalog, or the flat conf/catalog.yaml),
 * the environment's catalog.yaml over it (an entry of the same name is replaced whole),
 * then entries declared in code. Every `credentials:` name is checked against the
 * credentials when it loads.
 */
export async function loadCatalog(
  project: Project,
  credentials: Credentials,
  env: Environment = resolveEnvironment(project.root, undefined),
): Promise<Catalog | undefined> {
  const { Catalog } = await import("@pipewright/io");
  const setting = project.config.catalog;
  const entries = project.config.catalogEntries;
  const options = { root: project.root, credentials };
  if (typeof setting === "string" && !existsSync(join(project.root, setting))) {
    throw new PipewrightError(
      ErrorCode.CATALOG_INVALID,
      `catalog file ${setting} named in ${basename(project.configFile)} does not exist.`,
    );
  }
  const file =
    setting === false
      ? undefined
      : setting !== undefined
        ? join(project.root, setting)
        : confFile(env.baseDir, "catalog");
  const overlay = setting === false ? undefined : confFile(env.overlayDir, "catalog");
  let catalog = file ? await Catalog.fromFile(file, options) : undefined;
  if (overlay) catalog = await (catalog ?? Catalog.fromEntries({}, options)).withFile(overlay);
  if (!entries) return catalog;
  return catalog
    ? catalog.with(entries)
    : Catalog.fromEntries(entries, { ...options, source: basename(project.configFile) });
}

/**
 * Params: conf/base/params.yaml (or config.params, or the flat conf/params.yaml) with the
 * environment's params.yaml merged over it (mappings key by key, other values replaced),
 * then the --params overrides.
 */
export async function loadParams(
  project: Project,
  overrides: readonly string[],
  p: Pipeline,
  env: Environment = resolveEnvironment(project.root, undefined),
): Promise<Record<string, unknown>> {
  // Imported here, not at the top: the YAML parser is not needed by `ls`, and start-up time counts.
  const { applyOverrides, readParamsFile } = await import("./params.ts");
  const setting = project.config.params;
  if (setting === false) return applyOverrides({}, overrides, [...p.index.params.keys()]);
  const file =
    setting !== undefined
      ? join(project.root, setting)
      : (confFile(env.baseDir, "params") ?? join(env.baseDir, "params.yaml"));
  const overlay = confFile(env.overlayDir, "params");
  const base = readParamsFile(file, project.root);
  const merged = overlay ? deepMerge(base, readParamsFile(overlay, project.root)) : base;
  return applyOverrides(merged, overrides, [...p.index.params.keys()]);
}

/**
 * Fails (UNKNOWN_CATALOG_ENTRY) on catalog entries that match no dataset of any pipeline.
 * The other pipelines load only when this one leaves an entry unexplained. When one of
 * them cannot load, its datasets are unknown: then only an entry that looks like a typo
 * of a dataset of this pipeline left without an entry fails (the case that loses data);
 * `pipewright check` reports the broken pipeline.
 */
export async function checkCatalogEntries(
  project: Project,
  catalog: Catalog,
  name: string,
  p: Pipeline,
): Promise<void> {
  const known = new Set(p.datasets().map((d) => d.name));
  let unmatched = unmatchedEntries(catalog, known);
  let complete = true;
  for (const other of project.pipelineNames) {
    if (unmatched.length === 0) return;
    if (other === name) continue;
    let q: Pipeline;
    try {
      q = await loadPipeline(project, other);
    } catch {
      complete = false;
      continue;
    }
    for (const d of q.datasets()) known.add(d.name);
    unmatched = unmatched.filter((key) => !known.has(key));
  }
  if (!complete) {
    const homeless = p
      .datasets()
      .map((d) => d.name)
      .filter((d) => catalog.lookup(d) === undefined);
    unmatched = unmatched.filter((key) => closest(key, homeless) !== undefined);
  }
  if (unmatched.length === 0) return;
  const { CatalogError } = await import("@pipewright/io");
  throw new CatalogError(unknownEntryIssues(catalog, unmatched, known));
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
  /** The configuration environment the catalog, params and credentials came from. */
  env: Environment;
}

/** Loads, filters and compiles one pipeline of the project. */
export async function compileProject(
  project: Project,
  options: {
    pipeline?: string | undefined;
    overrides?: readonly string[];
    filter?: FilterOptions;
    env?: Environment;
  },
): Promise<Compiled> {
  const name = pipelineName(project, options.pipeline);
  const p = await loadPipeline(project, name);
  const env = options.env ?? resolveEnvironment(project.root, undefined);
  const params = await loadParams(project, options.overrides ?? [], p, env);
  const credentials = await loadProjectCredentials(project, env);
  const catalog = await loadCatalog(project, credentials, env);
  if (catalog) await checkCatalogEntries(project, catalog, name, p);
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
    env,
  };
}
