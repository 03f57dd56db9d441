import { existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Metafile } from "esbuild";
import { ErrorCode } from "../errors/codes.ts";
import { PipewrightError } from "../errors/errors.ts";
import { frameworkPackageOf } from "../util/framework.ts";
import { codeHashes } from "./code-hash.ts";
import { esbuild } from "./esbuild.ts";
import { forgetPackages, installedPackage, isFrameworkPackage, packageNameOf } from "./packages.ts";
import {
  configsUnchanged,
  type GraphState,
  loadState,
  saveState,
  stampsValid,
  takeStamps,
} from "./stamps.ts";

/** The code a node can run: project files by code hash, packages by version. */
export interface CodeClosure {
  /** Project-relative path -> hash of the file's code, sorted by path. */
  files: Record<string, string>;
  /** Package name -> installed version (and lockfile integrity when known), sorted by name. */
  packages: Record<string, string>;
}

const BUILTINS = new Set(builtinModules);
/** The name of the synthetic module that imports every entry (see resolveGraph). */
const ENTRIES = "<pipewright-entries>";

/**
 * The project's module graph, resolved by esbuild exactly as tsx (which is esbuild) loads
 * the code at run time: tsconfig `paths`, package.json `#imports`, JSON imports, barrels
 * and re-exports, `.js` specifiers naming `.ts` files, and type-only imports dropped.
 * Packages installed under node_modules are leaves, recorded by version; workspace
 * packages linked from elsewhere are project code and are followed.
 *
 * One graph per compile. Its state (graph, file stamps, code hashes) is kept in memory and
 * (given a state folder) in `fingerprints.json` there, and is reused while every stamp
 * still matches, so an unchanged project pays a few stat calls, not a build.
 */
export class ModuleGraph {
  private readonly closures = new Map<string, CodeClosure>();
  /** Per module: the modules it reaches (itself included) and their closure. */
  private readonly single = new Map<string, { set: Set<string>; closure: CodeClosure }>();
  private readonly relative = new Map<string, string>();

  private constructor(
    readonly root: string,
    private readonly state: GraphState,
  ) {}

  /**
   * The graph covering `entries` (absolute paths), rebuilt only when something changed.
   * `stateDir` (the CLI passes `.pipewright`) keeps it between processes.
   */
  static of(root: string, entries: Iterable<string>, stateDir?: string): ModuleGraph {
    const wanted = [...new Set(entries)].sort();
    const previous = loadState(root, stateDir);
    if (previous && wanted.every((f) => f in previous.modules) && stampsValid(previous)) {
      return new ModuleGraph(root, previous);
    }
    // Entries of earlier compiles stay (other pipelines of the project), while they exist.
    const keep = previous
      ? previous.entries.filter((f) => f in previous.modules && existsSync(f))
      : [];
    const state = build(root, [...new Set([...keep, ...wanted])].sort(), previous);
    saveState(root, stateDir, state);
    return new ModuleGraph(root, state);
  }

  /** Absolute paths of every project module in the graph. */
  get files(): string[] {
    return Object.keys(this.state.modules);
  }

  /** Each module's stamp ("mtime:size"): what changes with any edit, even a comment. */
  get stamps(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [f, m] of Object.entries(this.state.modules))
      out[this.rel(f)] = `${m.stamp.mtimeMs}:${m.stamp.size}`;
    // How the modules compile depends on their tsconfig and its bases too: a bundle named by
    // these stamps is rebuilt when one changes.
    for (const [f, st] of Object.entries(this.state.configs))
      out[this.rel(f)] = st ? `${st.mtimeMs}:${st.size}` : "absent";
    return out;
  }

  /** Names of the packages the project's modules import, with their versions. */
  get packages(): Readonly<Record<string, string>> {
    return this.state.packages;
  }

  /** Every module `files` reach (themselves included), with the packages they import. */
  closure(files: readonly string[]): CodeClosure {
    const id = files.join("\0");
    let result = this.closures.get(id);
    if (result) return result;
    result = this.covered(files) ?? this.reach(files).closure;
    this.closures.set(id, result);
    return result;
  }

  /**
   * The closure of `files` when one of them reaches all the others, so that its own closure
   * is theirs too; undefined otherwise. Definition stacks end in the same outer callers (the
   * module composing the pipelines, the config), which usually import everything: each
   * stack then costs a few lookups, not a walk of the project (which, once per distinct
   * stack, made compile quadratic in the project's size). Outer callers are tried first.
   */
  private covered(files: readonly string[]): CodeClosure | undefined {
    let outer: { set: Set<string>; closure: CodeClosure } | undefined;
    for (let i = files.length - 1; i >= 0; i--) {
      const f = files[i]!;
      if (!(f in this.state.modules)) continue;
      if (outer === undefined) {
        outer = this.single.get(f);
        if (!outer) {
          outer = this.reach([f]);
          this.single.set(f, outer);
        }
      } else if (!outer.set.has(f)) return undefined;
    }
    return outer?.closure;
  }

  /** Breadth-first walk of the imports from `files`. */
  private reach(files: readonly string[]): { set: Set<string>; closure: CodeClosure } {
    const seen = new Set<string>();
    const queue = files.filter((f) => f in this.state.modules);
    for (const f of queue) seen.add(f);
    const out = new Map<string, string>();
    const packages = new Map<string, string>();
    for (let i = 0; i < queue.length; i++) {
      const m = this.state.modules[queue[i]!]!;
      out.set(this.rel(queue[i]!), m.hash);
      for (const name of m.packages) packages.set(name, this.state.packages[name]!);
      for (const next of m.imports) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    return { set: seen, closure: { files: sorted(out), packages: sorted(packages) } };
  }

  /** Project-relative, "/"-separated, so plans match across machines. */
  rel(path: string): string {
    let r = this.relative.get(path);
    if (r === undefined) {
      r = relative(this.root, path).split(sep).join("/");
      this.relative.set(path, r);
    }
    return r;
  }
}

function sorted(map: Map<string, string>): Record<string, string> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Builds the graph with esbuild (bundling resolves every import; nothing is written).
 * Bare imports start out external; a bare import that resolves outside node_modules is a
 * linked workspace package, whose source is then bundled too, so edits to it count.
 */
function build(root: string, entries: string[], previous: GraphState | undefined): GraphState {
  forgetPackages();
  const external = new Set<string>();
  const packageOf = new Map<string, { version: string; manifest: string }>();
  let metafile: Metafile;
  for (let round = 0; ; round++) {
    metafile = resolveGraph(root, entries, round === 0 ? undefined : [...external]);
    let more = false;
    for (const [path, input] of Object.entries(metafile.inputs)) {
      const from = resolve(root, path);
      const installed = nodeModulesPackage(from);
      if (installed && !external.has(installed)) {
        // A package reached through a linked one: keep it external next round.
        external.add(installed);
        more = true;
      }
      for (const imp of input.imports) {
        if (!imp.external) continue;
        const name = packageNameOf(imp.path);
        if (name === undefined || BUILTINS.has(name) || imp.path.startsWith("node:")) continue;
        if (external.has(name) || packageOf.has(name)) continue;
        const pkg = installedPackage(name, dirname(from));
        if (pkg && (pkg.installed || isFrameworkPackage(name))) {
          packageOf.set(name, { version: pkg.version, manifest: pkg.manifest });
          external.add(name);
        } else if (pkg) more = true; // linked: bundle it next round
      }
    }
    if (!more || round > 8) break;
  }
  const modules: GraphState["modules"] = {};
  const packages: Record<string, string> = {};
  const own = Object.keys(metafile.inputs)
    .filter((path) => !path.includes(":") && path !== ENTRIES)
    .map((path) => resolve(root, path))
    .filter((file) => !nodeModulesPackage(file) && !frameworkPackageOf(file));
  // A module's reprint (its code hash) depends on the tsconfig that applies to it, not only
  // on its own text: when a config changed (an option, a base it extends), every module is
  // reprinted rather than keeping the hash its unchanged stamp would vouch for.
  const reusable = previous && configsUnchanged(previous) ? previous.modules : {};
  const hashes = codeHashes(root, own, reusable);
  for (const [path, input] of Object.entries(metafile.inputs)) {
    const file = resolve(root, path);
    if (!hashes.has(file)) continue;
    const imports: string[] = [];
    const names = new Set<string>();
    for (const imp of input.imports) {
      if (imp.external) {
        const name = packageNameOf(imp.path);
        const known = name === undefined ? undefined : packageOf.get(name);
        if (known && name) {
          names.add(name);
          packages[name] = known.version;
        }
        continue;
      }
      const target = resolve(root, imp.path);
      const framework = frameworkPackageOf(target);
      const pkg = nodeModulesPackage(target);
      if (framework) {
        names.add(framework.name);
        packages[framework.name] = framework.version;
      } else if (pkg) {
        const info = installedPackage(pkg, dirname(file));
        if (info) {
          names.add(pkg);
          packages[pkg] = info.version;
          packageOf.set(pkg, { version: info.version, manifest: info.manifest });
        }
      } else if (!imp.path.includes(":")) imports.push(target);
    }
    modules[file] = {
      ...hashes.get(file)!,
      imports: [...new Set(imports)].sort(),
      packages: [...names].sort(),
    };
  }
  const manifests = [...packageOf.values()].map((p) => p.manifest);
  return {
    v: 3,
    root,
    entries,
    modules,
    packages,
    ...takeStamps(root, Object.keys(modules), manifests),
  };
}

function resolveGraph(root: string, entries: string[], external: string[] | undefined): Metafile {
  try {
    const result = esbuild().buildSync({
      // One synthetic entry importing them all: one bundle to print, not one per entry
      // (a chain of modules would be printed once per module that starts it).
      stdin: {
        contents: entries
          .map((f, i) => `import * as m${i} from ${JSON.stringify(f)};\nexport { m${i} };`)
          .join("\n"),
        resolveDir: root,
        sourcefile: ENTRIES,
        loader: "js",
      },
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      outdir: join(root, ".pipewright", "graph"),
      logLevel: "silent",
      ...(external === undefined ? { packages: "external" as const } : { external }),
      // Only the graph is wanted: loaders for data files a module might import.
      loader: { ".node": "empty", ".wasm": "empty", ".txt": "text" },
    });
    return result.metafile;
  } catch (error) {
    const errors =
      (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] })
        .errors ?? [];
    const first = errors[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : "";
    throw new PipewrightError(
      ErrorCode.FINGERPRINT_FAILED,
      `cannot resolve the project's imports to fingerprint its code: ${first?.text ?? (error as Error).message}${where}. Fix the import, or give the node a codeVersion.`,
      { cause: error },
    );
  }
}

/** The package a file under node_modules belongs to ("zod", "@scope/x"), or undefined. */
function nodeModulesPackage(file: string): string | undefined {
  const at = file.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) return undefined;
  const rest = file.slice(at + 14).split(sep);
  if (rest[0] === ".pnpm") return undefined;
  return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
}
