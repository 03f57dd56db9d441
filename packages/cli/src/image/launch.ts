import { isAscii } from "node:buffer";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { Script } from "node:vm";
import { findConfig } from "../config-file.ts";
import {
  IMAGE_PROJECT,
  type ImageManifest,
  type ImageProject,
  imageDir,
  manifestFile,
  readManifest,
  staleness,
} from "./manifest.ts";
import { imageSiteMap, SCRIPT_MAPS } from "./site-table.ts";

/**
 * The commands a start-up image runs: those that load the project and work in this
 * process. `check` (tsc), `init` (no project yet), `viz --serve` (a watcher) and the rest
 * start the ordinary way.
 */
const IMAGE_COMMANDS = new Set(["ls", "status", "run-node", "run", "compile"]);

/**
 * Whether PIPEWRIGHT_IMAGE, a comma-separated list, holds `mode`: `off` (start the ordinary
 * way, always), `sync` (build a missing image before exiting, not in the background),
 * `verbose` (say on stderr whether the image ran, and if not why).
 */
export function imageMode(mode: "off" | "sync" | "verbose"): boolean {
  return (process.env.PIPEWRIGHT_IMAGE ?? "").split(",").includes(mode);
}

/** The command line's command and project, as main() will read them. */
function target(argv: readonly string[]): {
  command: string | undefined;
  configFile: string | undefined;
} {
  // As main() reads it: the last --cwd wins, resolved against the process's folder.
  let cwd = process.cwd();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--cwd" && i + 1 < argv.length) cwd = resolve(process.cwd(), argv[++i]!);
    else if (a.startsWith("--cwd=")) cwd = resolve(process.cwd(), a.slice(6));
    else if (command === undefined && !a.startsWith("-")) command = a;
  }
  return {
    command,
    configFile: command && IMAGE_COMMANDS.has(command) ? findConfig(cwd) : undefined,
  };
}

export interface Launch {
  /** The exit code when the image ran the command; undefined: start the ordinary way. */
  code?: number;
  /** Why no image was used (for PIPEWRIGHT_IMAGE=verbose and the tests). */
  why?: string;
  /** Set when the ordinary start should build an image afterwards (see buildAfter). */
  build?: { root: string; configFile: string };
}

/**
 * Runs the command from the project's start-up image when there is one and every file it
 * was built from is unchanged (see manifest.ts). `launcher` is the bin's own path.
 */
export async function launch(argv: readonly string[], launcher: string): Promise<Launch> {
  const launched = await decide(argv, launcher);
  if (launched.why !== undefined && imageMode("verbose"))
    process.stderr.write(`pipewright: no start-up image: ${launched.why}\n`);
  return launched;
}

async function decide(argv: readonly string[], launcher: string): Promise<Launch> {
  if (imageMode("off") || process.env.PIPEWRIGHT_LOADER === "tsx") return { why: "turned off" };
  const { command, configFile } = target(argv);
  if (!command || !IMAGE_COMMANDS.has(command))
    return { why: `${command ?? "no command"}: only ${[...IMAGE_COMMANDS].join(", ")} use one` };
  if (!configFile) return { why: "no pipewright.config.* here or above" };
  const root = dirname(configFile);
  const manifest = readManifest(root);
  const stale = manifest ? staleness(manifest, { launcher, configFile }) : "no image yet";
  if (stale !== undefined || !manifest?.image) {
    const why = stale ?? `the project has no image: ${manifest?.failed}`;
    return { why, ...(stale !== undefined && { build: { root, configFile } }) };
  }
  const source = readOrUndefined(manifest.image);
  // Removed or unreadable: built again, like a stale one.
  if (source === undefined)
    return { why: `${manifest.image} is gone`, build: { root, configFile } };
  const code = await runImage(manifest, source, argv, command);
  if (code !== undefined) return { code };
  // Not tried again until a file it was built from changes (then it is rebuilt).
  const failed = `${manifest.image} failed to start`;
  // A read-only project: the next start tries the image again, and falls back again.
  writeAtomic(manifestFile(root), JSON.stringify({ ...manifest, image: undefined, failed }));
  return { why: failed };
}

/**
 * Evaluates the image through V8's code cache for the command (written beside it after
 * the command's first run from it, with every function that run compiled) and runs the CLI's main() from it. The project's
 * modules are evaluated when the CLI loads the config, as without an image, so that their
 * errors are reported the same way. Undefined when the image itself fails to evaluate
 * (pipewright's packages and zod, before any project code or command has run): the
 * ordinary start takes over.
 */
async function runImage(
  m: ImageManifest,
  bytes: Buffer,
  argv: readonly string[],
  command: string,
): Promise<number | undefined> {
  const file = m.image!;
  // One cache per command, holding what that command compiles: V8 restores a whole cache
  // on every start, and `ls` has no use for the runner's functions.
  const files = cacheFiles(file, command);
  const cacheFile = files[0]!;
  let cachedData = readOrUndefined(cacheFile);
  const own = cachedData !== undefined;
  for (const other of files.slice(1)) cachedData ??= readOrUndefined(other);
  let script: Script;
  let image: ImageExports;
  try {
    // esbuild escapes most non-ASCII text (not in regular expressions): an ASCII image is
    // read as latin1, which needs no decoding. The code cache is only valid for the same text.
    const source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
    registerSourceMap(file, source);
    script = new Script(source, { filename: file, cachedData });
    const module = { exports: {} as ImageExports };
    const init = script.runInThisContext() as (...args: unknown[]) => void;
    init.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    image = module.exports;
  } catch {
    return undefined;
  }
  const project: ImageProject = {
    configFile: m.configFile,
    load: image.loadConfig,
    projectBundle: m.projectBundle!,
  };
  (globalThis as Record<symbol, unknown>)[IMAGE_PROJECT] = project;
  // node() reads its definition site through the image's map: from the table built with it.
  (globalThis as Record<symbol, unknown>)[SCRIPT_MAPS] = (name: string) =>
    name === file ? imageSiteMap(file) : undefined;
  if (imageMode("verbose")) process.stderr.write(`pipewright: started from ${file}\n`);
  const code = await image.main(argv);
  // Every function compiled so far, this run's among them.
  if (!own || script.cachedDataRejected) writeAtomic(cacheFile, script.createCachedData());
  return code;
}

/**
 * The code caches a command may start from, its own first. Until it has its own, another
 * command's serves (V8 takes any cache of the same script): `compile`'s holds loading the
 * project and compiling the plan, most of what `status`, `run-node` and `run` do (a cached
 * run-node from it is ~2 ms slower than from its own, ~10 ms faster than from `ls`'s),
 * then `ls`'s, loading the project. The Dockerfile `pipewright init` writes runs both at
 * build time, for every task's run-node, which in a read-only container never writes its own.
 */
export function cacheFiles(image: string, command: string): string[] {
  return [command, ...FALLBACK_CACHES.filter((c) => c !== command)].map(
    (c) => `${image}.${c}.cache`,
  );
}
const FALLBACK_CACHES = ["compile", "ls"];

/** What the image's entry exports (see build.ts). */
interface ImageExports {
  main: (argv: readonly string[]) => Promise<number>;
  loadConfig: () => Promise<unknown>;
}

/**
 * Source maps on, and the image's map known to Node, so that stack traces and node()
 * definition sites name the project's .ts files, as with the project's ES module bundle.
 * Node registers a script's map only when its own module loader compiles the script; the
 * image is compiled by vm.Script for the code cache, so the map is registered by
 * compiling just the image's sourceMappingURL comment, under the image's file name,
 * through Node's CommonJS compile (Module#_compile: not public, hence the checks).
 */
function registerSourceMap(file: string, source: string): void {
  process.setSourceMapsEnabled(true);
  const at = source.lastIndexOf("//# sourceMappingURL=");
  const stub = new Module(file) as Module & { _compile?: (code: string, file: string) => void };
  if (at >= 0 && typeof stub._compile === "function") stub._compile(source.slice(at), file);
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes `file` whole or not at all (a temporary file renamed over it), and gives up
 * quietly: the image is a speed-up, and a project that cannot be written only loses it.
 * Not core's writeFileAtomic: the launcher loads no package (core would load zod).
 */
function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** How long a build's lock holds: a builder killed mid-build does not block the next forever. */
const LOCK_MS = 120_000;

/**
 * Starts building the project's image in the background, after an ordinary start found
 * none (or a stale one): the user's command does not wait for esbuild, and the next start
 * uses the image. PIPEWRIGHT_IMAGE=sync builds it in the foreground instead (a Dockerfile's
 * build step, whose background processes end with the step; the tests). One build at a
 * time per project (a lock file beside the image).
 */
export async function buildAfter(
  build: { root: string; configFile: string },
  launcher: string,
  builder: string,
): Promise<void> {
  const lock = join(imageDir(build.root), "build.lock");
  // The builder removes the lock only while it still holds this token (see build-main.ts).
  const token = `${process.pid}-${Date.now()}`;
  try {
    const st = statSync(lock, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs < LOCK_MS) return;
    if (st) rmSync(lock, { force: true });
    mkdirSync(dirname(lock), { recursive: true });
    writeFileSync(lock, token, { flag: "wx" });
  } catch {
    return;
  }
  const args = [builder, build.root, build.configFile, launcher, lock, token];
  if (imageMode("sync")) {
    const { spawnSync } = await import("node:child_process");
    spawnSync(process.execPath, args, { stdio: "ignore" });
    return;
  }
  const { spawn } = await import("node:child_process");
  spawn(process.execPath, args, { detached: true, stdio: "ignore" }).unref();
}
