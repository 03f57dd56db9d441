import { existsSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import { frameworkPackageOf } from "../util/framework.ts";

/** Where a function was called from: an absolute file path and a 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * Where a node was defined: the `node()` call site, and every project file on the call
 * stack at that moment (the call site first, then the callers that built it, so a
 * factory's caller counts). The code fingerprint covers these files and what they import.
 */
export interface DefinitionSite {
  location: SourceLocation;
  files: readonly string[];
}

const FRAME = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?\s*$/;
/** A project bundle written by core's bundleProject. */
const BUNDLE_FILE = /[\\/]build[\\/]project-[0-9a-f]{20}\.mjs$/;
/** Frames of Node's, tsx's and vitest's module loaders (ESM and CommonJS). */
const MODULE_LOADER =
  /node:internal\/modules\/|\bModuleJob\.|\bModule\._compile\b|ModuleRunner\.|ModuleEvaluator\./;
// Most stacks reach a boundary (a module loader, pipewright's own code) within a few
// frames; formatting a stack costs per frame, so a short one is taken first and a deep
// one only when the short one ran out before any boundary.
const SHALLOW = 12;
// Deep enough for factories of factories and the loaders above them.
const DEEP = 64;
const byStack = new Map<string, DefinitionSite | null>();

function stackOf(depth: number): string {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = saved;
  return stack;
}

/**
 * The definition site of the caller of node(). Under tsx and vitest the frames are
 * source-mapped, so these are the .ts files and lines. Sites are shared objects: nodes made
 * by one factory call share one, and the compiler keys its per-site work on it.
 */
export function callerSite(): DefinitionSite | null {
  const shallow = stackOf(SHALLOW);
  const known = byStack.get(shallow);
  if (known !== undefined) return known;
  const site = siteOf(shallow, SHALLOW);
  if (site !== undefined) {
    byStack.set(shallow, site);
    return site;
  }
  // Cut short: the callers beyond it decide, so the deep stack is the key.
  const deep = stackOf(DEEP);
  let deepSite = byStack.get(deep);
  if (deepSite === undefined) {
    deepSite = siteOf(deep, DEEP) ?? null;
    byStack.set(deep, deepSite);
  }
  return deepSite;
}

/**
 * The site a stack describes; undefined when the stack was cut at `depth` frames before
 * any boundary, so that callers beyond it may be missing.
 */
function siteOf(stack: string, depth: number): DefinitionSite | null | undefined {
  let site: DefinitionSite | null = null;
  const files: string[] = [];
  const lines = stack.split("\n").slice(1);
  for (const line of lines) {
    // Above a module loader are the modules that imported this one, not callers that
    // built the node: importing a module does not change what its nodes run.
    if (MODULE_LOADER.test(line)) return site;
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = m[1]!.startsWith("file://") ? fileURLToPath(m[1]!) : m[1]!;
    // A frame left in a project bundle (not mapped back to a source file) is esbuild's
    // module-init helper: a module loader, like Node's own.
    if (BUNDLE_FILE.test(file)) return site;
    if (!isProjectFile(file)) {
      // Above pipewright's own code (the CLI calling a pipeline factory, a test harness
      // calling the CLI's loader) is whoever invoked pipewright, not a caller that built
      // the node: a plan must not depend on how the project was loaded.
      if (site !== null && isFrameworkFile(file)) return site;
      continue;
    }
    if (site === null) {
      site = { location: { file, line: Number(m[2]), column: Number(m[3]) }, files };
    }
    if (!files.includes(file)) files.push(file);
  }
  return lines.length >= depth ? undefined : site;
}

const projectFiles = new Map<string, boolean>();

function isFrameworkFile(file: string): boolean {
  return !file.includes(`${sep}node_modules${sep}`) && frameworkPackageOf(file) !== undefined;
}

/**
 * Project code: a file on disk (not a Node internal such as node:internal/process/...),
 * not an installed package, not pipewright's own source.
 */
function isProjectFile(file: string): boolean {
  let known = projectFiles.get(file);
  if (known === undefined) {
    known =
      !file.includes(`${sep}node_modules${sep}`) &&
      existsSync(file) &&
      frameworkPackageOf(file) === undefined;
    projectFiles.set(file, known);
  }
  return known;
}
