import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { closest, ErrorCode, PipewrightError } from "@pipewright/core";
import { yamlLibrary, yamlValue } from "@pipewright/io";
import { UsageError } from "./errors.ts";

/** Reads conf/params.yaml (or another file); a missing file is an empty set of params. */
export function readParamsFile(file: string, root: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, "utf8");
  const where = relative(root, file);
  const value =
    yamlValue(root, "params", text, (YAML) => {
      const doc = YAML.parseDocument(text, { prettyErrors: true });
      if (doc.errors.length > 0) {
        const e = doc.errors[0]!;
        const line = e.linePos?.[0];
        throw new PipewrightError(
          ErrorCode.INVALID_PARAM,
          `${where}${line ? `:${line.line}:${line.col}` : ""}: ${e.message.split("\n")[0]!.replace(/[:.]\s*$/, "")}. Fix the YAML syntax.`,
        );
      }
      return doc.toJS();
    }) ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new PipewrightError(
      ErrorCode.INVALID_PARAM,
      `${where}: must be a mapping of param names to values.`,
    );
  }
  return value as Record<string, unknown>;
}

/** "a.b.c=value" -> ["a.b.c", value], the value read as YAML (numbers, booleans, [lists]). */
export function parseOverride(text: string): [string, unknown] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`--params expects key.path=value, got "${text}".`);
  const path = text.slice(0, eq).trim();
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(path))
    throw new UsageError(`--params: "${path}" is not a valid key path (use a.b.c).`);
  const raw = text.slice(eq + 1);
  try {
    return [path, raw === "" ? "" : yamlLibrary().parse(raw)];
  } catch {
    return [path, raw];
  }
}

/** Every dotted path to a leaf of a params object. */
function leafPaths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(prefix ? [prefix] : []),
    ...leafPaths(v, prefix ? `${prefix}.${k}` : k),
  ]);
}

/**
 * Applies --params overrides to a copy of the params. A path must name an existing key
 * or a param the pipeline reads (`known`): a typo is a usage error with a suggestion,
 * rather than a silently ignored value.
 */
export function applyOverrides(
  params: Record<string, unknown>,
  overrides: readonly string[],
  known: readonly string[],
): Record<string, unknown> {
  const result = structuredClone(params);
  const valid = new Set([...leafPaths(params), ...known]);
  for (const text of overrides) {
    const [path, value] = parseOverride(text);
    const isKnown = valid.has(path) || known.some((k) => path.startsWith(`${k}.`));
    if (!isKnown) {
      const c = closest(path, valid);
      throw new UsageError(
        `--params ${path}: no such param.${c ? ` Did you mean "${c}"?` : ""} Params read by this pipeline: ${known.join(", ") || "(none)"}.`,
      );
    }
    const parts = path.split(".");
    let node: Record<string, unknown> = result;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === null || typeof next !== "object" || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1)!] = value;
  }
  return result;
}
