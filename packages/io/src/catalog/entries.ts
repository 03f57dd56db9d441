import { closest, ErrorCode, type Issue } from "@pipewright/core";
import type { z } from "zod";
import type { YamlSource } from "../conf/yaml-source.ts";
import { findFormat, unknownTypeMessage } from "../formats/registry.ts";
import { LocationProblem, parseLocation, resolveInside } from "../storage/uri.ts";
import type { Credentials } from "./credentials.ts";
import { type Env, interpolateEnv } from "./env.ts";
import {
  isPattern,
  type Pattern,
  parsePattern,
  substitute,
  unknownPlaceholders,
} from "./pattern.ts";
import { type CatalogEntry, CatalogEntrySchema, isAnchorKey } from "./schema.ts";

/** A validated catalog entry and where it was written. */
export interface CompiledEntry {
  key: string;
  entry: CatalogEntry;
  pattern: Pattern | undefined;
  /** `conf/catalog.yaml:12`, or the label of code entries. */
  where: string;
  /** Later origins win: file entries are 0, each with() adds 1. */
  layer: number;
}

export interface CompileContext {
  source: YamlSource;
  env: Env;
  root: string;
  credentials: Credentials | undefined;
  layer: number;
}

const FIELDS = Object.keys(CatalogEntrySchema._zod.def.shape);

/** Validates every entry of a catalog and gathers all problems, each with file:line and entry. */
export function compileEntries(
  raw: Record<string, unknown>,
  cx: CompileContext,
): { entries: CompiledEntry[]; issues: Issue[] } {
  const entries: CompiledEntry[] = [];
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (isAnchorKey(key)) continue;
    const before = issues.length;
    const report = (path: readonly (string | number)[], code: Issue["code"], message: string) => {
      const where = cx.source.where([key, ...path]);
      issues.push({
        code,
        message: `${where}: entry "${key}": ${message}.`,
        path: [where, key, ...path.map(String)],
        datasets: [key],
      });
    };
    const interpolated = interpolateEnv(
      value,
      cx.env,
      (path, i) => report(path, i.code, i.message),
      [],
    );
    const parsed = CatalogEntrySchema.safeParse(interpolated);
    if (!parsed.success) {
      for (const zi of parsed.error.issues) reportZodIssue(zi, report);
      continue;
    }
    const entry = parsed.data;
    let pattern: Pattern | undefined;
    if (isPattern(key)) {
      try {
        pattern = parsePattern(key);
      } catch (e) {
        report([], ErrorCode.CATALOG_INVALID, `invalid pattern: ${(e as Error).message}`);
        continue;
      }
    }
    checkType(entry, report);
    checkLocation(entry, pattern, cx.root, report);
    if (
      entry.credentials !== undefined &&
      cx.credentials !== undefined &&
      !(entry.credentials in cx.credentials)
    ) {
      const near = closest(entry.credentials, Object.keys(cx.credentials));
      report(
        ["credentials"],
        ErrorCode.MISSING_CREDENTIALS,
        `credentials "${entry.credentials}" are not defined in conf/credentials.yaml${near ? `. Did you mean "${near}"?` : ""}`,
      );
    }
    if (issues.length === before) {
      const source = cx.source;
      entries.push({
        key,
        entry,
        pattern,
        layer: cx.layer,
        // Only messages need it, and finding a line parses the file when its value was
        // remembered (yaml-values.ts): worked out when asked.
        get where() {
          return source.where([key]);
        },
      });
    }
  }
  return { entries, issues };
}

type Report = (path: readonly (string | number)[], code: Issue["code"], message: string) => void;

function reportZodIssue(zi: z.core.$ZodIssue, report: Report): void {
  const path = zi.path.filter((k): k is string | number => typeof k !== "symbol");
  if (zi.code === "unrecognized_keys") {
    for (const k of zi.keys) {
      const near = closest(k, FIELDS);
      report(
        [...path, k],
        ErrorCode.CATALOG_INVALID,
        `unknown field "${k}"${near ? ` (did you mean "${near}"?)` : ""}; fields are ${FIELDS.join(", ")}`,
      );
    }
    return;
  }
  if (path.length === 0 && zi.code === "invalid_type") {
    report(
      path,
      ErrorCode.CATALOG_INVALID,
      'must be a mapping with at least "type" (and "path" or "uri")',
    );
    return;
  }
  report(
    path,
    ErrorCode.CATALOG_INVALID,
    `${path.length > 0 ? `field "${path.join(".")}": ` : ""}${zi.message}`,
  );
}

function checkType(entry: CatalogEntry, report: Report): void {
  const format = findFormat(entry.type);
  if (!format) {
    report(
      ["type"],
      ErrorCode.UNKNOWN_DATASET_TYPE,
      unknownTypeMessage(entry.type).replace(/\.$/, ""),
    );
    return;
  }
  for (const [field, schema] of [
    ["load_args", format.loadArgs],
    ["save_args", format.saveArgs],
  ] as const) {
    const args = entry[field];
    if (args === undefined || schema === undefined) continue;
    const r = schema.safeParse(args);
    if (r.success) continue;
    for (const zi of r.error.issues) {
      const path = [field, ...zi.path.filter((k): k is string | number => typeof k !== "symbol")];
      const msg =
        zi.code === "unrecognized_keys"
          ? `${entry.type} does not take ${zi.keys.map((k) => `"${k}"`).join(", ")} (see docs/formats.md)`
          : zi.message;
      report(
        zi.code === "unrecognized_keys" ? [...path, zi.keys[0]!] : path,
        ErrorCode.CATALOG_INVALID,
        `${path.join(".")}: ${msg}`,
      );
    }
  }
}

/** Checks path/uri; for a pattern, with every placeholder standing in as "x". */
function checkLocation(
  entry: CatalogEntry,
  pattern: Pattern | undefined,
  root: string,
  report: Report,
): void {
  const field = entry.path !== undefined ? "path" : "uri";
  const text = entry.path ?? entry.uri;
  if (text === undefined) return;
  if (pattern) {
    const unknown = unknownPlaceholders(text, pattern.names);
    if (unknown.length > 0) {
      report(
        [field],
        ErrorCode.CATALOG_INVALID,
        `${field} uses {${unknown[0]}}, which the key "${pattern.text}" does not define`,
      );
      return;
    }
  }
  const sample = pattern
    ? (substitute(text, Object.fromEntries(pattern.names.map((n) => [n, "x"]))) as string)
    : text;
  try {
    checkLocationText(field, sample, root);
  } catch (e) {
    if (!(e instanceof LocationProblem)) throw e;
    report([field], e.code, e.message);
  }
}

/** Throws a LocationProblem when `text` is not a valid `path` or `uri`. */
export function checkLocationText(field: "path" | "uri", text: string, root: string): void {
  const loc = parseLocation(text);
  if (field === "path") {
    if (loc.scheme !== "path")
      throw new LocationProblem(
        ErrorCode.BAD_URI,
        `"${text}" is a URI; write it as uri: instead of path:`,
      );
    resolveInside(root, loc.path);
  } else {
    if (loc.scheme === "path")
      throw new LocationProblem(
        ErrorCode.BAD_URI,
        `"${text}" is not a URI; write project-relative paths as path:, absolute ones as file:///...`,
      );
    if (loc.scheme === "s3" && loc.key === "")
      throw new LocationProblem(ErrorCode.BAD_URI, `"${text}" names a bucket but no object key`);
  }
}
