import { isAbsolute, relative, resolve } from "node:path";
import { type CatalogResolver, ErrorCode, type StorageBinding } from "@pipewright/core";
import { YamlSource } from "../conf/yaml-source.ts";
import { CatalogError } from "../errors.ts";
import { LocationProblem, projectRelative } from "../storage/uri.ts";
import type { Credentials } from "./credentials.ts";
import { type CompiledEntry, checkLocationText, compileEntries } from "./entries.ts";
import type { Env } from "./env.ts";
import { comparePatterns, matchPattern, substitute } from "./pattern.ts";
import type { CatalogEntry } from "./schema.ts";

export interface CatalogOptions {
  /** Project root: `path`s are relative to it and may not leave it (default: cwd). */
  root?: string | undefined;
  /** Environment for `${env:VAR}` (default: process.env). */
  env?: Env | undefined;
  /** When given, every `credentials:` name is checked against it (MISSING_CREDENTIALS). */
  credentials?: Credentials | undefined;
}

/** What Catalog.lookup() found for a dataset id. */
export interface CatalogMatch {
  /** The entry, with a pattern's placeholders substituted. */
  entry: CatalogEntry;
  /** The catalog key that matched: the dataset's name, or a pattern. */
  key: string;
  pattern: boolean;
  /** `conf/catalog.yaml:12`, or the label of entries given in code. */
  where: string;
}

/**
 * Where datasets live: conf/catalog.yaml and entries given in code. Resolves a dataset id
 * to the storage binding the plan records: an exact entry first, then the most specific
 * matching pattern. Bindings are machine-independent: paths stay project-relative and
 * credentials are named, never included.
 *
 * @example
 * const catalog = (await Catalog.fromFile("conf/catalog.yaml", { root }))
 *   .with({ "reviews": { type: "jsonl", path: "data/reviews.jsonl" } });
 * const plan = compile(pipeline, { catalog, root });
 */
export class Catalog implements CatalogResolver {
  private readonly cache = new Map<string, StorageBinding | undefined>();

  private constructor(
    private readonly exact: ReadonlyMap<string, CompiledEntry>,
    private readonly patterns: readonly CompiledEntry[],
    private readonly context: {
      root: string;
      env: Env;
      credentials: Credentials | undefined;
      layers: number;
    },
  ) {}

  /** Reads a catalog file; throws CatalogError listing every problem with file:line and entry. */
  static async fromFile(file: string, options: CatalogOptions = {}): Promise<Catalog> {
    const context = contextOf(options);
    const { source, value, issues } = await YamlSource.read(
      file,
      label(file, context.root),
      "error",
      context.root,
    );
    CatalogError.throwIfAny(issues);
    return Catalog.build((value ?? {}) as Record<string, unknown>, source, context);
  }

  /** A catalog from entries given in code; `source` names them in errors (default "catalog entries in code"). */
  static fromEntries(
    entries: Record<string, unknown>,
    options: CatalogOptions & { source?: string | undefined } = {},
  ): Catalog {
    return Catalog.build(
      entries,
      YamlSource.inline(options.source ?? "catalog entries in code"),
      contextOf(options),
    );
  }

  private static build(
    raw: Record<string, unknown>,
    source: YamlSource,
    context: Catalog["context"],
    base?: Catalog,
  ): Catalog {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw new CatalogError([
        {
          code: ErrorCode.CATALOG_INVALID,
          message: `${source.label}: the catalog must be a mapping of names to entries.`,
          path: [source.label],
        },
      ]);
    }
    const { entries, issues } = compileEntries(raw, {
      source,
      env: context.env,
      root: context.root,
      credentials: context.credentials,
      layer: context.layers,
    });
    CatalogError.throwIfAny(issues);
    const exact = new Map(base?.exact);
    const patterns = new Map(base?.patterns.map((p) => [p.key, p]));
    for (const e of entries) {
      if (e.pattern) patterns.set(e.key, e);
      else exact.set(e.key, e);
    }
    // Most specific first; at equal rank, the later layer (code over file) wins.
    const sorted = [...patterns.values()].sort(
      (a, b) => comparePatterns(a.pattern!, b.pattern!) || b.layer - a.layer,
    );
    return new Catalog(exact, sorted, context);
  }

  /** A new catalog with these entries added; they win over entries of the same name (code over file). */
  with(entries: Record<string, unknown>, source = "catalog entries in code"): Catalog {
    const context = { ...this.context, layers: this.context.layers + 1 };
    return Catalog.build(entries, YamlSource.inline(source), context, this);
  }

  /**
   * A new catalog with a second file laid over this one (an environment's
   * `conf/prod/catalog.yaml` over `conf/base/catalog.yaml`): an entry of the same name is
   * replaced whole, messages name the file and line it came from.
   */
  async withFile(file: string): Promise<Catalog> {
    const { source, value, issues } = await YamlSource.read(
      file,
      label(file, this.context.root),
      "empty",
      this.context.root,
    );
    CatalogError.throwIfAny(issues);
    const context = { ...this.context, layers: this.context.layers + 1 };
    return Catalog.build((value ?? {}) as Record<string, unknown>, source, context, this);
  }

  /** The binding of a dataset, or undefined when no entry or pattern matches it. */
  resolve(datasetId: string): StorageBinding | undefined {
    if (this.cache.has(datasetId)) return this.cache.get(datasetId);
    const found = this.find(datasetId);
    const binding = found && this.binding(datasetId, found.entry, found.from);
    this.cache.set(datasetId, binding);
    return binding;
  }

  /**
   * The entry that provides a dataset, placeholders substituted (description included),
   * the key that matched and where it was written; for `pipewright ls` and messages.
   *
   * @example
   * catalog.lookup("eu.model_input") // { entry: {...}, key: "{namespace}.model_input", where: "conf/catalog.yaml:12" }
   */
  lookup(datasetId: string): CatalogMatch | undefined {
    const found = this.find(datasetId);
    return (
      found && {
        entry: found.entry,
        key: found.from.key,
        pattern: found.from.pattern !== undefined,
        where: found.from.where,
      }
    );
  }

  private find(datasetId: string): { entry: CatalogEntry; from: CompiledEntry } | undefined {
    const exact = this.exact.get(datasetId);
    if (exact) return { entry: exact.entry, from: exact };
    for (const p of this.patterns) {
      const values = matchPattern(p.pattern!, datasetId);
      if (values) return { entry: substitute(p.entry, values) as CatalogEntry, from: p };
    }
    return undefined;
  }

  /** Names and patterns of all entries, sorted. */
  entries(): string[] {
    return [...this.exact.keys(), ...this.patterns.map((p) => p.key)].sort();
  }

  private binding(id: string, entry: CatalogEntry, from: CompiledEntry): StorageBinding {
    if (entry.type === "memory") return { type: "memory" };
    let uri: string;
    try {
      if (entry.path !== undefined) {
        // Checked again after substitution: a dataset id must not steer a pattern outside the root.
        checkLocationText("path", entry.path, this.context.root);
        uri = projectRelative(this.context.root, entry.path);
      } else {
        checkLocationText("uri", entry.uri!, this.context.root);
        uri = entry.uri!;
      }
    } catch (e) {
      if (!(e instanceof LocationProblem)) throw e;
      const via = from.pattern ? ` (via pattern "${from.key}")` : "";
      throw new CatalogError([
        {
          code: e.code,
          message: `${from.where}: dataset "${id}"${via}: ${e.message}.`,
          path: [from.where, id],
          datasets: [id],
        },
      ]);
    }
    const options: Record<string, unknown> = {};
    if (entry.load_args !== undefined) options.load_args = entry.load_args;
    if (entry.save_args !== undefined) options.save_args = entry.save_args;
    if (entry.filename_suffix !== undefined) options.filename_suffix = entry.filename_suffix;
    return {
      type: entry.type,
      uri,
      ...(Object.keys(options).length > 0 && { options }),
      ...(entry.credentials !== undefined && { credentials: entry.credentials }),
    };
  }
}

function contextOf(options: CatalogOptions): Catalog["context"] {
  return {
    root: resolve(options.root ?? process.cwd()),
    env: options.env ?? process.env,
    credentials: options.credentials,
    layers: 0,
  };
}

/** The file as messages show it: relative to the project root (or else the working directory) when inside it. */
export function label(file: string, root: string): string {
  for (const base of [root, process.cwd()]) {
    const rel = relative(base, resolve(file));
    if (!rel.startsWith("..") && !isAbsolute(rel)) return rel.split("\\").join("/");
  }
  return file;
}
