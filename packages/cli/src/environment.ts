import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { didYouMean, ErrorCode, PipewrightError } from "@pipewright/core";
import { UsageError } from "./errors.ts";

/**
 * A configuration environment, as in Kedro: `conf/base/` holds what every machine shares,
 * and `conf/<env>/` (for example `local` or `prod`) is laid over it, file by file, for the
 * catalog, params and credentials. A project without `conf/base/` keeps the flat layout
 * (`conf/catalog.yaml` ...), which is then the base.
 */
export interface Environment {
  /** The chosen name: --env, else PIPEWRIGHT_ENV, else "local". "base" means no overlay. */
  name: string;
  /** Whether the name was chosen (flag or variable) rather than defaulted. */
  explicit: boolean;
  /** The base folder: conf/base, or conf for the flat layout. */
  baseDir: string;
  /** The overlay folder, when there is one. */
  overlayDir: string | undefined;
}

export const DEFAULT_ENV = "local";
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Folders of conf/ that can be chosen as an environment. */
function environments(confDir: string): string[] {
  if (!existsSync(confDir)) return [];
  return readdirSync(confDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "base")
    .map((e) => e.name)
    .sort();
}

/**
 * Which environment a command uses: `requested` (--env) wins over PIPEWRIGHT_ENV, which
 * wins over the default "local". The default may be missing (then only the base applies);
 * a named environment without its folder is an error, so a typo in `--env prdo` cannot
 * quietly run against the base configuration.
 */
export function resolveEnvironment(
  root: string,
  requested: string | undefined,
  variables: NodeJS.ProcessEnv = process.env,
): Environment {
  const fromVariable = variables.PIPEWRIGHT_ENV || undefined;
  const name = requested ?? fromVariable ?? DEFAULT_ENV;
  const explicit = requested !== undefined || fromVariable !== undefined;
  const source = requested !== undefined ? "--env" : "PIPEWRIGHT_ENV";
  if (!NAME.test(name))
    throw new UsageError(
      `${source} "${name}" is not an environment name (letters, digits, _ . -; a folder of conf/).`,
    );
  const confDir = join(root, "conf");
  const layered = isDir(join(confDir, "base"));
  const baseDir = layered ? join(confDir, "base") : confDir;
  if (name === "base") return { name, explicit, baseDir, overlayDir: undefined };
  const overlayDir = join(confDir, name);
  if (isDir(overlayDir)) return { name, explicit, baseDir, overlayDir };
  if (!explicit) return { name, explicit, baseDir, overlayDir: undefined };
  const known = environments(confDir);
  throw new PipewrightError(
    ErrorCode.UNKNOWN_ENV,
    `${source} ${name}: there is no ${relative(root, overlayDir)}/ folder.${didYouMean(name, known)} ${
      known.length > 0
        ? `Environments here: ${known.join(", ")} (and base).`
        : `Create ${relative(root, overlayDir)}/ with the catalog.yaml, params.yaml or credentials.yaml that differ from ${relative(root, baseDir) || "conf"}/.`
    }`,
  );
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** `dir/<kind>.yaml`, or `.yml` when only that exists; undefined when neither does. */
export function confFile(dir: string | undefined, kind: string): string | undefined {
  if (dir === undefined) return undefined;
  for (const ext of [".yaml", ".yml"]) {
    const file = join(dir, `${kind}${ext}`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Lays `overlay` over `base`: mappings merge key by key, at every depth; any other value
 * (a number, a string, a list) in the overlay replaces the base's. Used for params, so
 * `conf/prod/params.yaml` needs only the values that differ.
 */
export function deepMerge(
  base: Record<string, unknown>,
  overlay: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const before = out[key];
    out[key] = isMapping(before) && isMapping(value) ? deepMerge(before, value) : value;
  }
  return out;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
