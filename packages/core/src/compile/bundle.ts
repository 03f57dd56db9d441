import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { hashJson } from "../util/canonical.ts";
import { esbuild } from "./esbuild.ts";
import { ModuleGraph } from "./module-graph.ts";
import { isFrameworkPackage } from "./packages.ts";

/** Bumped when the bundle's options change, so old bundles are not reused. */
const BUNDLE_FORMAT = 1;

/** A project bundle ready to import, or why the project must be loaded from source. */
export type ProjectBundle = { file: string; built: boolean } | { fallback: string };

// A bundle moves every module to one file: code that asks where it lives would get the
// bundle's folder. Such projects are loaded from source.
const LOCATION_SENSITIVE = /\bimport\.meta\b|\b__dirname\b|\b__filename\b/;

/**
 * The project bundled into one ES module under `<stateDir>/build/`: the config and every
 * project module it reaches (pipelines imported lazily stay lazy), packages left external,
 * with an inline source map so that stack frames, and so node() definition sites, name the
 * original files and lines. Named by the code hash of everything in it, so an unchanged
 * project reuses the file without running esbuild (the module graph's stamps decide).
 *
 * Returns a fallback reason instead when a bundle could change behaviour: pipewright
 * itself linked from a workspace as TypeScript source (this repository), or a module that
 * uses `import.meta`, `__dirname` or `__filename`.
 */
export function bundleProject(root: string, entry: string, stateDir: string): ProjectBundle {
  const graph = ModuleGraph.of(root, [entry], stateDir);
  for (const name of Object.keys(graph.packages)) {
    if (isFrameworkPackage(name) && linkedSource(root, name))
      return { fallback: `${name} is linked as TypeScript source` };
  }
  // Named by stamps, not code hashes: a comment-only edit moves lines, and the source map
  // must follow it so that locations stay exact.
  const id = hashJson({
    v: BUNDLE_FORMAT,
    entry: graph.rel(entry),
    stamps: graph.stamps,
    packages: graph.packages,
  });
  const file = join(stateDir, "build", `project-${id.slice(0, 20)}.mjs`);
  if (existsSync(file)) return { file, built: false };
  for (const f of graph.files) {
    if (LOCATION_SENSITIVE.test(readFileSync(f, "utf8")))
      return { fallback: `${graph.rel(f)} uses import.meta, __dirname or __filename` };
  }
  const installed = Object.keys(graph.packages);
  esbuild().buildSync({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    outfile: file,
    format: "esm",
    platform: "node",
    target: "node20",
    // Installed packages stay imports (one copy, shared with pipewright); linked workspace
    // packages are project code and are bundled.
    external: installed,
    sourcemap: "inline",
    sourcesContent: false,
    logLevel: "silent",
    // Keep function and class names: they appear in stack traces and error messages.
    keepNames: true,
  });
  return { file, built: true };
}

/** Whether `name`, as the project resolves it, is linked from a workspace with .ts sources. */
function linkedSource(root: string, name: string): boolean {
  for (let d = root; ; d = dirname(d)) {
    const dir = join(d, "node_modules", name);
    if (existsSync(join(dir, "package.json"))) {
      const real = realpathSync(dir);
      return !real.split(sep).includes("node_modules") && existsSync(join(real, "src", "index.ts"));
    }
    if (dirname(d) === d) return false;
  }
}
