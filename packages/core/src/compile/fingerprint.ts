import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { canonicalJson } from "../util/canonical.ts";

/** The code a node depends on: local files by content, packages by version. */
export interface ModuleClosure {
  /** Project-relative path -> sha256 of the file's text, sorted by path. */
  files: Record<string, string>;
  /** Package name -> installed version, sorted by name. */
  packages: Record<string, string>;
}

function sortedRecord<V>(map: Map<string, V>): Record<string, V> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const EMPTY: ModuleClosure = { files: {}, packages: {} };

// Static imports and re-exports (`import x from "m"`, `export * from "m"`), bare
// side-effect imports, and dynamic import("m") with a literal. Type-only imports are
// left out: they do not change what runs.
const IMPORT_RE =
  /(?:^|[;\n\r}])\s*(?:import|export)\s+(?!type\s)[\w*{}\s,$]*?\bfrom\s*["']([^"']+)["']/g;
const BARE_IMPORT_RE = /(?:^|[;\n\r])\s*import\s*["']([^"']+)["']/g;
const DYNAMIC_IMPORT_RE = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"];
const BUILTINS = new Set(builtinModules);
/** Framework packages are recorded by version, not hashed into every node's key. */
const FRAMEWORK = /^(@pipewright\/|pipewright$)/;

function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Specifiers a module imports at run time. */
export function importSpecifiers(source: string): string[] {
  const found = new Set<string>();
  for (const re of [IMPORT_RE, BARE_IMPORT_RE, DYNAMIC_IMPORT_RE]) {
    re.lastIndex = 0;
    for (let m = re.exec(source); m; m = re.exec(source)) found.add(m[1]!);
  }
  return [...found];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Resolves a relative specifier as TypeScript-aware bundlers do (.js may name a .ts file). */
function resolveLocal(fromFile: string, spec: string): string | undefined {
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base];
  const ext = /\.[cm]?jsx?$/.exec(base)?.[0];
  if (ext) candidates.push(base.slice(0, -ext.length) + ext.replace("js", "ts"));
  for (const e of EXTENSIONS) candidates.push(base + e);
  for (const e of EXTENSIONS) candidates.push(join(base, `index${e}`));
  return candidates.find(isFile);
}

function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

interface PackageInfo {
  version: string;
  /** Set for workspace packages (linked, not installed): their source entry file. */
  localEntry?: string;
}

/**
 * Computes and memoises the closure of local modules a file imports. One instance per
 * compile: files are read once however many nodes share them.
 */
export class Fingerprinter {
  private readonly closures = new Map<string, ModuleClosure>();
  private readonly packages = new Map<string, PackageInfo | null>();
  private readonly fileHashes = new Map<string, string>();
  private readonly packageJson = new WeakMap<ModuleClosure, string>();

  constructor(readonly root: string) {}

  /** The closure of modules `file` imports, transitively; `file` itself is not included. */
  closureOf(file: string | undefined): ModuleClosure {
    if (file === undefined) return EMPTY;
    const cached = this.closures.get(file);
    if (cached) return cached;
    const closure = { files: new Map<string, string>(), packages: new Map<string, string>() };
    const seen = new Set<string>([file]);
    const queue = [file];
    for (let i = 0; i < queue.length; i++) {
      const current = queue[i]!;
      let source: string;
      try {
        source = readFileSync(current, "utf8");
      } catch {
        continue;
      }
      if (current !== file) closure.files.set(this.rel(current), this.hashFile(current, source));
      for (const spec of importSpecifiers(source)) {
        let next: string | undefined;
        if (spec.startsWith(".") || spec.startsWith("/")) next = resolveLocal(current, spec);
        else if (spec.startsWith("file:")) next = undefined;
        else {
          const name = packageName(spec.replace(/^node:/, ""));
          if (spec.startsWith("node:") || BUILTINS.has(name)) continue;
          const info = this.packageInfo(name, current);
          if (!info) continue;
          if (info.localEntry) next = info.localEntry;
          else closure.packages.set(name, info.version);
        }
        if (next && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    const result = { files: sortedRecord(closure.files), packages: sortedRecord(closure.packages) };
    this.closures.set(file, result);
    return result;
  }

  /** Canonical JSON of a closure's packages, computed once per closure. */
  packagesJson(closure: ModuleClosure): string {
    let json = this.packageJson.get(closure);
    if (json === undefined) {
      json = canonicalJson(closure.packages);
      this.packageJson.set(closure, json);
    }
    return json;
  }

  private hashFile(path: string, source: string): string {
    let h = this.fileHashes.get(path);
    if (!h) {
      h = sha256(source);
      this.fileHashes.set(path, h);
    }
    return h;
  }

  private readonly relPaths = new Map<string, string>();

  /** Project-relative, "/"-separated, so plans match across machines. */
  rel(path: string): string {
    let r = this.relPaths.get(path);
    if (r === undefined) {
      r = relative(this.root, path).split(sep).join("/");
      this.relPaths.set(path, r);
    }
    return r;
  }

  private packageInfo(name: string, fromFile: string): PackageInfo | null {
    const key = `${name}\0${dirname(fromFile)}`;
    if (this.packages.has(key)) return this.packages.get(key)!;
    let info: PackageInfo | null = null;
    for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
      const pkgDir = join(dir, "node_modules", name);
      const manifest = join(pkgDir, "package.json");
      if (existsSync(manifest)) {
        const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
          version?: string;
          exports?: unknown;
          main?: string;
        };
        info = { version: pkg.version ?? "0.0.0" };
        const real = realpathSync(pkgDir);
        // A workspace package is linked, not installed: its code is the project's code,
        // so it joins the closure (an edit to a shared pipeline package counts).
        if (!real.split(sep).includes("node_modules") && !FRAMEWORK.test(name)) {
          const entry = entryOf(pkg);
          const file = entry ? resolveLocal(join(real, "package.json"), `./${entry}`) : undefined;
          if (file) info.localEntry = file;
        }
        break;
      }
      if (dirname(dir) === dir) break;
    }
    this.packages.set(key, info);
    return info;
  }
}

function entryOf(pkg: { exports?: unknown; main?: string }): string | undefined {
  let e: unknown = pkg.exports;
  if (e && typeof e === "object" && "." in e) e = (e as Record<string, unknown>)["."];
  while (e && typeof e === "object") {
    const o = e as Record<string, unknown>;
    e = o.import ?? o.default ?? o.node ?? Object.values(o)[0];
  }
  return typeof e === "string" ? e.replace(/^\.\//, "") : pkg.main;
}
