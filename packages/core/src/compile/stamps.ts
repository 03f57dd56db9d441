import { readFileSync, type Stats, statSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { tsconfigChain } from "./tsconfig-chain.ts";

/** What identifies a file's content without reading it. */
export interface Stamp {
  mtimeMs: number;
  size: number;
  ino: number;
  /** When the stamp was taken: a stamp taken right after a change is not trusted. */
  takenAt: number;
}

/** One module of the graph. */
export interface ModuleState {
  hash: string;
  stamp: Stamp;
  /** Absolute paths of the project modules it imports. */
  imports: string[];
  /** Names of the installed packages it imports. */
  packages: string[];
}

/** The module graph as remembered between compiles and processes. */
export interface GraphState {
  v: number;
  /** The project root it was built for: a state folder may be shared (PIPEWRIGHT_STATE_DIR). */
  root: string;
  /** The files the graph was built from. */
  entries: string[];
  modules: Record<string, ModuleState>;
  /** Package name -> version (and integrity). */
  packages: Record<string, string>;
  /** Folders holding modules -> their mtime: a file added there may change how imports resolve. */
  dirs: Record<string, Stamp>;
  /** tsconfig.json, package.json and package manifests -> stamp, or null when absent. */
  configs: Record<string, Stamp | null>;
}

const VERSION = 3;
/**
 * What changes how imports resolve, looked for in every folder above a module: configs, and
 * node_modules, whose listing changes when a package is installed there (nearer than the
 * one an import found before, as in a monorepo whose app has its own node_modules).
 */
const RESOLUTION_FILES = ["tsconfig.json", "jsconfig.json", "package.json", "node_modules"];
const memory = new Map<string, GraphState>();

export function stampOf(st: Stats): Stamp {
  return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, takenAt: Date.now() };
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function same(a: Stamp | null, st: Stats | null): boolean {
  if (a === null || st === null) return a === st;
  return (
    a.mtimeMs === st.mtimeMs &&
    a.size === st.size &&
    // Not the inode: a project copied with its mtimes (a Docker layer, a CI cache) keeps
    // its stamps valid; an editor that replaces a file changes its mtime anyway.
    // Racily clean: changed too close to when it was stamped to prove nothing changed since.
    a.takenAt - a.mtimeMs >= 2000
  );
}

/**
 * The stamps that make a graph valid: the folders of its modules and every folder above
 * them up to the project root (a file added to any of them can change what an import
 * resolves to: `../helpers/sub` to sub.ts instead of sub/index.ts), the resolution files in
 * every folder above them, and the tsconfig files those extend. Exported for the CLI's
 * start-up image, which must go stale on the same changes as the fingerprints.
 */
export function takeStamps(
  root: string,
  files: readonly string[],
  manifests: readonly string[],
): Pick<GraphState, "dirs" | "configs"> {
  const dirs: Record<string, Stamp> = {};
  const configs: Record<string, Stamp | null> = {};
  const visited = new Set<string>();
  const config = (path: string) => {
    const st = statOrNull(path);
    configs[path] = st && stampOf(st);
    return st;
  };
  for (const file of files) {
    const dir = dirname(file);
    if (!(dir in dirs)) dirs[dir] = stampOf(statSync(dir));
    for (let d = dir; !visited.has(d); d = dirname(d)) {
      visited.add(d);
      if (d.startsWith(root + sep) && !(d in dirs)) dirs[d] = stampOf(statSync(d));
      for (const name of RESOLUTION_FILES) {
        const path = join(d, name);
        if (config(path) && name.endsWith("config.json"))
          for (const base of tsconfigChain(path)) config(base);
      }
      if (dirname(d) === d) break;
    }
  }
  if (!(root in dirs)) dirs[root] = stampOf(statSync(root));
  for (const m of manifests) config(m);
  return { dirs, configs };
}

/** Whether every config file (tsconfig, its bases, package.json) is as the graph saw it. */
export function configsUnchanged(state: GraphState): boolean {
  for (const [path, stamp] of Object.entries(state.configs))
    if (!same(stamp, statOrNull(path))) return false;
  return true;
}

/** Whether nothing the graph depends on has changed since it was built. */
export function stampsValid(state: GraphState): boolean {
  for (const [file, m] of Object.entries(state.modules))
    if (!same(m.stamp, statOrNull(file))) return false;
  for (const [dir, stamp] of Object.entries(state.dirs))
    if (!same(stamp, statOrNull(dir))) return false;
  return configsUnchanged(state);
}

const stateFile = (dir: string) => join(dir, "fingerprints.json");

/**
 * The graph state of `root` from memory, or from `dir` (a state folder) when given, or
 * from the project's own `.pipewright` (written when an image was built, say, and read
 * in a pod whose state folder is elsewhere).
 */
export function loadState(root: string, dir: string | undefined): GraphState | undefined {
  const known = memory.get(root);
  if (known || dir === undefined) return known;
  for (const d of new Set([dir, join(root, ".pipewright")])) {
    try {
      const state = JSON.parse(readFileSync(stateFile(d), "utf8")) as GraphState;
      if (state.v !== VERSION || state.root !== root) continue;
      memory.set(root, state);
      return state;
    } catch {
      // Not there, or not readable: try the next place, then build the graph.
    }
  }
  return undefined;
}

/**
 * Keeps the state in memory, and in `dir` when given; a folder that cannot be written (a
 * read-only image) only loses the speed-up.
 */
export function saveState(root: string, dir: string | undefined, state: GraphState): void {
  memory.set(root, state);
  if (dir === undefined) return;
  try {
    writeFileAtomic(stateFile(dir), JSON.stringify(state));
  } catch {
    // Not writable (a read-only image): the next process builds the graph again.
  }
}
