import { readFileSync } from "node:fs";

/**
 * The image's source map, decoded when the image is built, for core's definition sites
 * (`node()` reads its caller's .ts file and line through the image's map). Node decodes a
 * script's whole map, in JavaScript, on the first findSourceMap: about 3 ms of every start
 * that declares nodes, even for the map cut to project code. This table is read with one
 * JSON.parse and looked up as Node's `SourceMap#findEntry` looks up its own mappings, so
 * core gets the same answers (tested against Node's on random maps). Node still has the
 * map registered, for stack traces.
 */
export interface SiteTable {
  /** The map's sources resolved as Node resolves them (file: URLs). */
  sources: string[];
  /**
   * Five numbers per mapping: generated line and column (0-based), source index (-1: a
   * mapping without source), original line and column; sorted as Node sorts its mappings.
   */
  mappings: number[];
}

/** What core's location.ts reads of an entry (Node's findEntry gives these, or `{}`). */
export interface SiteEntry {
  originalSource?: string;
  originalLine?: number;
  originalColumn?: number;
}

/**
 * Node 20's `SourceMap#findEntry` over a table: the last mapping at or before the position
 * (by line, then column); `{}` when there is none.
 */
export function findEntry(table: SiteTable, line: number, column: number): SiteEntry {
  const m = table.mappings;
  let first = 0;
  let count = m.length / 5;
  while (count > 1) {
    const step = count >> 1;
    const middle = first + step;
    const at = middle * 5;
    if (line < m[at]! || (line === m[at] && column < m[at + 1]!)) count = step;
    else {
      first = middle;
      count -= step;
    }
  }
  const at = first * 5;
  if (at >= m.length || line < m[at]! || (line === m[at] && column < m[at + 1]!)) return {};
  const source = table.sources[m[at + 2]!];
  if (source === undefined) return {};
  return { originalSource: source, originalLine: m[at + 3]!, originalColumn: m[at + 4]! };
}

/**
 * Where core's location.ts looks for maps before asking Node: a function of a script's file
 * name (as V8 gives it) returning a map with `findEntry`, or undefined. A symbol of the
 * global registry, as core is not imported here (it would load zod).
 */
export const SCRIPT_MAPS = Symbol.for("pipewright.script-maps");

/** The table's file beside the image. */
export const siteTableFile = (image: string): string => `${image}.sites.json`;

/**
 * The map core's definition sites read for `image`, its table read on first use; undefined
 * when the table cannot be read (core then asks Node, which has the map registered).
 */
export function imageSiteMap(
  image: string,
): { findEntry(line: number, column: number): SiteEntry } | undefined {
  let table: SiteTable;
  try {
    table = JSON.parse(readFileSync(siteTableFile(image), "utf8")) as SiteTable;
  } catch {
    return undefined;
  }
  return { findEntry: (line, column) => findEntry(table, line, column) };
}
