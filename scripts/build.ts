// `pnpm build [PACKAGE|DIR ...]`: builds workspace packages to dist/ (JavaScript + .d.ts)
// with TypeScript's own compiler, each after the workspace packages it depends on (their
// .d.ts files are what the next package compiles against). No argument: every package.
// A package whose dist/ is newer than its sources is skipped unless --force. A package's
// `prepack` runs this for itself, so `pnpm pack` in any package folder works on its own.
//
// tsc writes one .js and one .d.ts per module (relative `.ts` imports rewritten to `.js` by
// `rewriteRelativeImportExtensions`): the .d.ts files are what users' editors and the next
// package compile against. The packages every command loads at start-up (core, io, runner
// and the CLI: see BUNDLED) then have their JavaScript bundled by esbuild into a few files
// per package, because Node's ESM loader costs time per module: `pipewright status` went
// from 244 modules to 121 (95 of them zod's). Other packages (the adapters, viz, which
// find page assets next to their modules) keep one file per module.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import {
  root,
  type WorkspacePackage,
  withDependencies,
  workspacePackages,
} from "./workspace-packages.ts";

const TSC = join(root, "node_modules", "typescript", "bin", "tsc");
// Relative imports of TypeScript files inside plain-JS sources (e.g. the runner's worker entry).
const TS_SPECIFIER = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.(m?)ts(["'])/g;

/** Copies what tsc does not emit: plain JS, CSS, hand-written .d.ts and JSON beside the sources. */
function copyAssets(src: string, dist: string): number {
  let count = 0;
  for (const entry of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const isTs = /\.(m|c)?ts$/.test(entry.name) && !entry.name.endsWith(".d.ts");
    if (isTs) continue;
    const target = join(dist, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    if (/\.(m|c)?js$/.test(entry.name)) {
      writeFileSync(target, readFileSync(file, "utf8").replace(TS_SPECIFIER, "$1$2.$3js$4"));
    } else cpSync(file, target);
    count++;
  }
  return count;
}

/**
 * Entry points (relative to dist/) whose JavaScript is bundled after tsc. Other packages
 * stay external imports (one instance of each package per thread), and code shared by two
 * entries goes into chunks beside them, so it too loads once.
 */
const BUNDLED: Record<string, string[]> = {
  "@pipewright/core": ["index.js"],
  "@pipewright/io": ["index.js"],
  "@pipewright/runner": ["index.js", "worker/main.js"],
  pipewright: ["index.js", "main.js", "image/build-main.js"],
};

/**
 * Entry points (relative to dist/) also written as one CommonJS file each, every import
 * but Node's built-ins inlined: the launcher the CommonJS bin requires before anything
 * else (a CommonJS start never starts Node's ES module loader; see bin/pipewright.cjs).
 */
const COMMONJS: Record<string, Record<string, string>> = {
  pipewright: { "image/launch.js": "image/launch.cjs" },
};

/**
 * Dependencies compiled into a package's bundle instead of imported at run time, and why:
 * - hash-wasm: its package.json sends Node to a 284 KB UMD build of every algorithm (CommonJS,
 *   so Node scans it for exports before running it): importing it added about 55 ms to every
 *   `status` and `run-node`. Bundled from its ESM build, only xxh3-128 is kept (tree-shaken).
 */
const INLINED: Record<string, string[]> = {
  "@pipewright/io": ["hash-wasm"],
};

/** esbuild's `external` for a package: every dependency it declares but those it inlines. */
function externalsOf(pkg: WorkspacePackage, inlined: readonly string[]): string[] {
  const manifest = JSON.parse(readFileSync(join(pkg.dir, "package.json"), "utf8")) as Record<
    string,
    Record<string, string> | undefined
  >;
  const declared = ["dependencies", "peerDependencies", "optionalDependencies"].flatMap((field) =>
    Object.keys(manifest[field] ?? {}),
  );
  return declared.filter((d) => !inlined.includes(d)).flatMap((d) => [d, `${d}/*`]);
}

/**
 * Replaces the package's per-module .js files with a bundle of its entry points. Chunks go
 * in dist/ itself, so code that finds files relative to its module (`import.meta.url`)
 * sees the same folder depth as the entries. Plain-JS assets (.mjs) and .d.ts stay.
 */
function bundleDist(pkg: WorkspacePackage, dist: string, entries: string[]): void {
  const out = `${dist}.bundle`;
  const inlined = INLINED[pkg.name] ?? [];
  rmSync(out, { recursive: true, force: true });
  loadEsbuild().buildSync({
    entryPoints: entries.map((e) => join(dist, e)),
    outbase: dist,
    outdir: out,
    entryNames: "[dir]/[name]",
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    ...(inlined.length === 0
      ? { packages: "external" as const }
      : { external: externalsOf(pkg, inlined), mainFields: ["module", "main"] }),
    logLevel: "error",
  });
  for (const entry of readdirSync(dist, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".js")) rmSync(join(entry.parentPath, entry.name));
  }
  cpSync(out, dist, { recursive: true });
  rmSync(out, { recursive: true, force: true });
  process.stderr.write(`bundled ${pkg.name}: ${entries.join(", ")}\n`);
}

/**
 * Writes each of the package's COMMONJS entries as one CommonJS file beside it in dist/.
 * Such an entry must import no package: inlined, a package (core, zod) would be loaded
 * again by the code that follows, which is what the launcher exists to avoid.
 */
function commonjsDist(dist: string, entries: Record<string, string>): void {
  for (const [entry, out] of Object.entries(entries)) {
    const { metafile } = loadEsbuild().buildSync({
      entryPoints: [join(dist, entry)],
      outfile: join(dist, out),
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      metafile: true,
      logLevel: "error",
    });
    const packages = [
      ...new Set(
        Object.keys(metafile.inputs)
          .map((i) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i)?.[1])
          .filter((name) => name !== undefined),
      ),
    ];
    if (packages.length > 0)
      throw new Error(
        `${entry} must import only Node's built-ins and its own package's modules, but ${out} would hold ${packages.join(", ")}`,
      );
  }
}

function loadEsbuild(): typeof import("esbuild") {
  return createRequire(join(root, "packages", "core", "package.json"))(
    "esbuild",
  ) as typeof import("esbuild");
}

/** The newest modification time of the files a package's build reads. */
function newestInput(pkg: WorkspacePackage): number {
  const files = [
    join(root, "tsconfig.base.json"),
    join(pkg.dir, "tsconfig.build.json"),
    join(pkg.dir, "package.json"),
    ...readdirSync(join(pkg.dir, "src"), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name)),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** dist/ exists and was written after every input changed (tsc runs with noEmitOnError). */
export function isFresh(pkg: WorkspacePackage): boolean {
  const stamp = join(pkg.dir, "dist", "index.js");
  return existsSync(stamp) && statSync(stamp).mtimeMs > newestInput(pkg);
}

export function buildPackage(pkg: WorkspacePackage): void {
  const started = Date.now();
  const dist = join(pkg.dir, "dist");
  rmSync(dist, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [TSC, "-p", join(pkg.dir, "tsconfig.build.json")], {
    cwd: pkg.dir,
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`${pkg.name}: tsc failed (exit ${r.status})`);
  const assets = copyAssets(join(pkg.dir, "src"), dist);
  // Before bundleDist, which replaces the per-module files these are made from.
  const commonjs = COMMONJS[pkg.name];
  if (commonjs) commonjsDist(dist, commonjs);
  const bundled = BUNDLED[pkg.name];
  if (bundled) bundleDist(pkg, dist, bundled);
  if (!existsSync(join(dist, "index.js"))) throw new Error(`${pkg.name}: no dist/index.js`);
  process.stderr.write(
    `built ${pkg.name} → ${relative(root, dist)} (${assets} assets copied) in ${Date.now() - started} ms\n`,
  );
}

/** Builds the named packages (names or folders) and their workspace dependencies, in order. */
export function build(wanted: string[], options: { force?: boolean } = {}): WorkspacePackage[] {
  const all = workspacePackages();
  const names = wanted.map((w) => {
    const dir = resolve(w);
    return all.find((p) => p.dir === dir)?.name ?? w;
  });
  const selected = names.length === 0 ? all : withDependencies(all, names);
  for (const pkg of selected) {
    if (!options.force && isFresh(pkg)) process.stderr.write(`${pkg.name} is up to date\n`);
    else buildPackage(pkg);
  }
  return selected;
}

if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  try {
    const args = process.argv.slice(2);
    build(
      args.filter((a) => a !== "--force"),
      { force: args.includes("--force") },
    );
  } catch (error) {
    process.stderr.write(`build failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
