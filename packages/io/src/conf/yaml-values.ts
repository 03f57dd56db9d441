import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { sha256, stateDir, writeFileAtomic } from "@pipewright/core";

/** The yaml library, loaded on first use (see rememberedYaml for why it often is not). */
export function yamlLibrary(): typeof import("yaml") {
  return createRequire(import.meta.url)("yaml") as typeof import("yaml");
}

/** How a file was parsed: the same text can give other values under other options. */
export type YamlFlavour = "catalog" | "params";

const MISS = Symbol("miss");

function fileOf(root: string, flavour: YamlFlavour, text: string): string {
  return join(stateDir(root), "yaml", `${flavour}-${sha256(text)}.json`);
}

/**
 * The value a YAML text parsed to before, remembered by the text's content hash, or MISS.
 * Why: the yaml library is some 70 CommonJS modules, about a third of what `status` or an
 * engine task's `run-node` spends starting up, and conf files rarely change between runs.
 * Keyed by content, a remembered value can never be stale; only values that JSON holds
 * exactly are remembered (see rememberYaml).
 */
export function rememberedYaml(root: string, flavour: YamlFlavour, text: string): unknown {
  try {
    return JSON.parse(readFileSync(fileOf(root, flavour, text), "utf8"));
  } catch {
    return MISS;
  }
}

export const isMiss = (value: unknown): value is typeof MISS => value === MISS;

/**
 * The value of a YAML text: remembered (see rememberedYaml), else what `parse` makes of it
 * with the yaml library, remembered when it returns (a parse that throws is not).
 *
 * @example
 * const params = yamlValue(root, "params", text, (YAML) => YAML.parse(text));
 */
export function yamlValue(
  root: string,
  flavour: YamlFlavour,
  text: string,
  parse: (yaml: typeof import("yaml")) => unknown,
): unknown {
  const remembered = rememberedYaml(root, flavour, text);
  if (!isMiss(remembered)) return remembered;
  const value = parse(yamlLibrary());
  rememberYaml(root, flavour, text, value);
  return value;
}

/** Remembers a parsed value when JSON gives it back exactly; best effort (a read-only disk is fine). */
export function rememberYaml(root: string, flavour: YamlFlavour, text: string, value: unknown) {
  if (!jsonExact(value)) return;
  try {
    writeFileAtomic(fileOf(root, flavour, text), JSON.stringify(value));
  } catch {
    // Not writable (a read-only image): the file is parsed again next time.
  }
}

/**
 * Whether JSON.parse(JSON.stringify(value)) is the same value: plain objects, arrays,
 * strings, booleans, null and finite numbers other than -0. YAML also gives .inf, .nan,
 * -0, and (with custom tags) other objects; those files are simply parsed every time.
 */
export function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const [k, v] of Object.entries(value)) if (k === "__proto__" || !jsonExact(v)) return false;
  return true;
}
