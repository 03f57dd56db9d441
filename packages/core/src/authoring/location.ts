import { existsSync } from "node:fs";
import { findSourceMap, type SourceMap } from "node:module";
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
/**
 * A project bundle written by core's bundleProject, or the CLI's start-up image (which holds
 * the project too: see the CLI's image/build.ts).
 */
const BUNDLE_FILE =
  /[\\/]build[\\/]project-[0-9a-f]{20}\.mjs$|[\\/]\.pipewright[\\/]image[\\/]image-[0-9a-f]{20}\.cjs$/;
/** Frames of Node's, tsx's and vitest's module loaders (ESM and CommonJS). */
const MODULE_LOADER =
  /node:internal\/modules\/|\bModuleJob\.|\bModule\._compile\b|ModuleRunner\.|ModuleEvaluator\./;
// Most stacks reach a boundary (a module loader, pipewright's own code) within a few
// frames; formatting a stack costs per frame, so a short one is taken first and a deep
// one only when the short one ran out before any boundary. Both count the frames above
// the function that calls capture (callerSite: node() first), 12 and 64 frames with
// capture's own two.
const SHALLOW = 10;
// Deep enough for factories of factories and the loaders above them.
const DEEP = 62;
/** Sites by formatted stack. */
const byStack = new Map<string, DefinitionSite | null>();
/**
 * Sites by call-site stack: a trie over its frames (see framesAt), one per depth, without a
 * key string built per node() call (10k nodes: that string was a fifth of node()). It is
 * walked outermost frame first, so the nodes of one factory call share the path down to
 * their own node() line and each adds one leaf (innermost first, each added a path of its
 * own, a Map per frame); a leaf's `next` is made when something goes below it.
 */
interface StackTrie {
  next?: Map<Frame, StackTrie>;
  site?: DefinitionSite | null;
}
const byCallSites = new Map<number, StackTrie>();
/** A file as FRAME reads one from a formatted frame. */
const ABSOLUTE = /^(?:(?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+)$/;

/** One frame of a definition stack: where it runs (source-mapped), and whether it is a loader's. */
interface Frame {
  /** Absolute path (or URL text, as the stack gives it); undefined when the frame names no file. */
  file: string | undefined;
  line: number;
  column: number;
  loader: boolean;
  /** What siteOf makes of its file, worked out on first use (see kindOf). */
  kind?: FileKind;
  /** The file as a path, when kind is "project". */
  path?: string;
}

/**
 * What a frame's file is to siteOf: no absolute file (a Node internal), a project bundle's
 * own frame (esbuild's module-init helper: a loader), project code, pipewright's own code,
 * or something else (an installed package, a file not on disk).
 */
type FileKind = "none" | "bundle" | "project" | "framework" | "other";

/**
 * The stack above `from` (the function calling capture), `depth` frames deep: as text
 * formatted by whoever formats stacks, or (`text` false) as V8's call sites, unformatted.
 * The frames of capture and `from` are the same every time and pipewright's own: V8 leaves
 * them out rather than making call sites for them.
 */
function capture(
  depth: number,
  text: boolean,
  from: (...args: never[]) => unknown,
): string | NodeJS.CallSite[] {
  const prepare = Error.prepareStackTrace;
  const saved = Error.stackTraceLimit;
  // An error without a stack of its own, given the one above `from`.
  Error.stackTraceLimit = 0;
  const holder = new Error();
  Error.stackTraceLimit = depth;
  if (!text) Error.prepareStackTrace = (_, sites) => sites;
  try {
    Error.captureStackTrace(holder, from);
    return holder.stack ?? "";
  } finally {
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = prepare;
    Error.stackTraceLimit = saved;
  }
}

/**
 * The definition site of the caller of node(). Under tsx and vitest the frames are
 * source-mapped, so these are the .ts files and lines. Sites are shared objects: nodes made
 * by one factory call share one, and the compiler keys its per-site work on it.
 *
 * Formatting a whole stack, source-mapped, costs more than all the rest of node(): unless
 * someone formats stacks their own way (vitest, a source-map-support package), which only
 * their formatting can reproduce, the frames are read from V8's call sites and only their
 * locations are mapped, as Node's formatter would map them.
 */
export function callerSite(
  /**
   * The function that calls callerSite (node()): its frame is left out too, one frame
   * less is taken (the same reach), and V8 makes no call site for it. It is pipewright's
   * own, which siteOf passes over before any site.
   */
  caller?: (...args: never[]) => unknown,
): DefinitionSite | null {
  const text = !nodeFormatsStacks();
  const from = caller ?? callerSite;
  const less = caller ? 1 : 0;
  const site = siteAt(capture(SHALLOW - less, text, from), SHALLOW - less);
  if (site !== undefined) return site;
  // Cut short: the callers beyond it decide, so the deep stack is the key.
  return siteAt(capture(DEEP - less, text, from), DEEP - less) ?? null;
}

function siteAt(
  stack: string | NodeJS.CallSite[],
  depth: number,
): DefinitionSite | null | undefined {
  if (typeof stack === "string") {
    const known = byStack.get(stack);
    if (known !== undefined) return known;
    const site = siteOf(textFrames(stack), depth);
    if (site !== undefined) byStack.set(stack, site);
    return site;
  }
  const frames = stack.map(memoFrame);
  let leaf = entry(byCallSites, depth, (): StackTrie => ({}));
  for (let i = frames.length - 1; i >= 0; i--) {
    leaf.next ??= new Map();
    leaf = entry(leaf.next, frames[i]!, (): StackTrie => ({}));
  }
  if (leaf.site !== undefined) return leaf.site;
  const site = siteOf(frames, depth);
  if (site !== undefined) leaf.site = site;
  return site;
}

/**
 * Frames by their unmapped position (file name as V8 gives it, then the offset in that
 * script, see memoFrame): one object per place in the code, mapped once, so that equal
 * stacks have identical frames.
 */
const framesAt = new Map<string, Map<number, Frame>>();
/**
 * Keyed by the offset in the script, which names the same place as its line and column
 * (one lookup in V8 instead of two line-table searches); line and column are read only for
 * a place not seen before.
 */
function memoFrame(site: NodeJS.CallSite): Frame {
  const name = site.getFileName();
  if (name == null || site.isEval()) return frameOf(site);
  const position = (site as NodeJS.CallSite & { getPosition(): number }).getPosition();
  const inFile = entry(framesAt, name, () => new Map<number, Frame>());
  return entry(inFile, position, () => frameOf(site));
}

/** The value of `key` in `map`, made and added when missing. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

const paths = new Map<string, string>();

/** A file path from a frame's file (a path, or a file: URL under the ESM loader). */
function pathOf(file: string): string {
  if (!file.startsWith("file://")) return file;
  return entry(paths, file, () => fileURLToPath(file));
}

/** The frames of a formatted stack (its first line is the message). */
function textFrames(stack: string): Frame[] {
  return stack
    .split("\n")
    .slice(1)
    .map((line) => {
      const m = FRAME.exec(line);
      return {
        file: m?.[1],
        line: m ? Number(m[2]) : 0,
        column: m ? Number(m[3]) : 0,
        loader: MODULE_LOADER.test(line),
      };
    });
}

/**
 * @internal The definition site read from the call sites (as callerSite does, cached) and
 * from the formatted stack (uncached): for the test that keeps the two equal where Node formats stacks (see
 * nodeFormatsStacks). Call it as node() calls callerSite, from the function whose caller is
 * the definition site; with `caller`, as callerSite(caller) reads it (the caller's frame
 * left out), against the whole formatted stack.
 */
export function callerSiteBothWays(caller?: (...args: never[]) => unknown): {
  fromCallSites: DefinitionSite | null | undefined;
  fromText: DefinitionSite | null | undefined;
} {
  const less = caller ? 1 : 0;
  const sites = capture(SHALLOW - less, false, caller ?? callerSiteBothWays) as NodeJS.CallSite[];
  const stack = capture(SHALLOW, true, callerSiteBothWays) as string;
  return {
    // Through the memo of frames and the trie of stacks, as callerSite reads it.
    fromCallSites: siteAt(sites, SHALLOW - less),
    fromText: siteOf(textFrames(stack), SHALLOW),
  };
}

/** @internal callerSiteBothWays as node() reads its site: from a caller of pipewright's own. */
export function callerSiteBothWaysVia(): ReturnType<typeof callerSiteBothWays> {
  return callerSiteBothWays(callerSiteBothWaysVia);
}

/**
 * Whether stacks are formatted by Node itself (its default Error.prepareStackTrace, which
 * maps frames through source maps when they are enabled), whose formatting frameOf follows.
 */
export function nodeFormatsStacks(): boolean {
  const prepare = Error.prepareStackTrace as unknown;
  return (
    prepare === undefined ||
    (typeof prepare === "function" && prepare.name === "ErrorPrepareStackTrace")
  );
}

/** What frameOf reads of a source map (Node's SourceMap, or a host's: see scriptMap). */
type LocationMap = Pick<SourceMap, "findEntry">;
// Per file name as the stack gives it: its source map (null: none).
const sourceMaps = new Map<string, LocationMap | null>();
/**
 * Where a host that compiles a script itself may hand core the script's map, decoded
 * already: a function of the file name, as V8 gives it, returning the map or undefined
 * (then Node's is used). The CLI's start-up image does (its image/site-table.ts): Node
 * decodes a whole map on its first findSourceMap, a few milliseconds of every start.
 * Its findEntry must answer as Node's SourceMap#findEntry does for the same map.
 */
const SCRIPT_MAPS = Symbol.for("pipewright.script-maps");

function scriptMap(name: string): LocationMap | undefined {
  const host = (globalThis as Record<symbol, unknown>)[SCRIPT_MAPS];
  return typeof host === "function"
    ? (host as (n: string) => LocationMap | undefined)(name)
    : undefined;
}
const LOADER_NAME = /\bModuleJob\.|\bModule\._compile\b|ModuleRunner\.|ModuleEvaluator\./;

/**
 * A call site as the formatted stack would show it, without formatting it: the location
 * mapped through the file's source map when Node maps stacks (tsx, a bundle run with
 * source maps), as Node's own formatter does, and whether it is a module loader's frame
 * (by file, or by the names that formatted frame would show).
 */
function frameOf(site: NodeJS.CallSite): Frame {
  const name = site.getFileName() ?? undefined;
  const fn = site.getFunctionName() ?? site.getMethodName();
  const type = site.getTypeName();
  const loader =
    name === undefined
      ? MODULE_LOADER.test(String(site))
      : name.startsWith("node:internal/modules/") ||
        (fn !== null &&
          (LOADER_NAME.test(fn) || (type !== null && LOADER_NAME.test(`${type}.${fn}`))));
  if (name === undefined || site.isEval()) return { file: undefined, line: 0, column: 0, loader };
  const line = site.getLineNumber() ?? 0;
  const column = site.getColumnNumber() ?? 0;
  if (process.sourceMapsEnabled) {
    let map = sourceMaps.get(name);
    if (map === undefined) {
      map = scriptMap(name) ?? findSourceMap(name) ?? null;
      sourceMaps.set(name, map);
    }
    const entry = map?.findEntry(line - 1, column - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (
      entry?.originalSource !== undefined &&
      entry.originalLine !== undefined &&
      entry.originalColumn !== undefined
    ) {
      return {
        file: entry.originalSource,
        line: entry.originalLine + 1,
        column: entry.originalColumn + 1,
        loader,
      };
    }
  }
  return { file: name, line, column, loader };
}

/**
 * The site a stack describes; undefined when the stack was cut at `depth` frames before
 * any boundary, so that callers beyond it may be missing.
 */
function siteOf(frames: readonly Frame[], depth: number): DefinitionSite | null | undefined {
  let site: DefinitionSite | null = null;
  const files: string[] = [];
  for (const frame of frames) {
    // Above a module loader are the modules that imported this one, not callers that
    // built the node: importing a module does not change what its nodes run.
    if (frame.loader) return site;
    const kind = kindOf(frame);
    if (kind === "none") continue;
    // A frame left in a project bundle (not mapped back to a source file) is esbuild's
    // module-init helper: a module loader, like Node's own.
    if (kind === "bundle") return site;
    if (kind !== "project") {
      // Above pipewright's own code (the CLI calling a pipeline factory, a test harness
      // calling the CLI's loader) is whoever invoked pipewright, not a caller that built
      // the node: a plan must not depend on how the project was loaded.
      if (site !== null && kind === "framework") return site;
      continue;
    }
    const file = frame.path!;
    if (site === null) site = { location: { file, line: frame.line, column: frame.column }, files };
    if (!files.includes(file)) files.push(file);
  }
  return frames.length >= depth ? undefined : site;
}

/**
 * What a frame's file is, kept on the frame: memoised frames recur in every stack that
 * passes through them (a factory's caller, the config), and are classified once.
 */
function kindOf(frame: Frame): FileKind {
  if (frame.kind !== undefined) return frame.kind;
  let kind: FileKind;
  if (frame.file === undefined || !ABSOLUTE.test(frame.file)) kind = "none";
  else {
    const file = pathOf(frame.file);
    if (BUNDLE_FILE.test(file)) kind = "bundle";
    else if (isProjectFile(file)) {
      kind = "project";
      frame.path = file;
    } else kind = isFrameworkFile(file) ? "framework" : "other";
  }
  frame.kind = kind;
  return kind;
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
