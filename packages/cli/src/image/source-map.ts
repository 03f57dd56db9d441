import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";
import type { SiteTable } from "./site-table.ts";

/** The fields of a source map this module reads and writes. */
export interface RawSourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  [other: string]: unknown;
}

// The innermost package: a file under pipewright/node_modules/yaml is yaml's.
const IN_PACKAGE = /^(.*[\\/]?node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/;

/**
 * The image's source map cut down to what a start needs. Node decodes a script's whole map
 * the first time a stack is mapped (every node() reads its definition site), and the map
 * of zod and pipewright's packages is most of it: 1.1 MB, about 50 ms to parse plus its
 * garbage. Project code keeps every mapping, exactly: node() sites, error locations and the
 * code fingerprint depend on them. Installed packages' code keeps one mapping per run of
 * it on a line, to the package's folder: their frames still name a file inside
 * node_modules, so they are classified as a package's (core's location.ts), not as the
 * image's own helpers, which have no mapping. Their line and column are not kept
 * (PIPEWRIGHT_IMAGE=off gives exact ones, to debug pipewright itself).
 */
export function projectOnlyMap(map: RawSourceMap): RawSourceMap {
  const sources: string[] = [];
  const sourceIndex = new Map<string, number>();
  const indexOf = (name: string) => {
    let i = sourceIndex.get(name);
    if (i === undefined) {
      i = sources.push(name) - 1;
      sourceIndex.set(name, i);
    }
    return i;
  };
  // Old source index -> new one, and whether it is a package's.
  const packageOf = map.sources.map((s) => IN_PACKAGE.exec(s)?.[1]);
  const newSource = map.sources.map((s, i) => indexOf(packageOf[i] ?? s));
  const names: string[] = [];
  const nameIndex = new Map<number, number>();
  const lines = decode(map.mappings).map((segments) => {
    const out: SourceMapSegment[] = [];
    let previous = -1;
    for (const s of segments) {
      if (s.length === 1) continue;
      const source = newSource[s[1]]!;
      if (packageOf[s[1]] !== undefined) {
        if (source !== previous) out.push([s[0], source, 0, 0]);
      } else if (s.length === 5) {
        let n = nameIndex.get(s[4]);
        if (n === undefined) {
          n = names.push(map.names[s[4]]!) - 1;
          nameIndex.set(s[4], n);
        }
        out.push([s[0], source, s[2], s[3], n]);
      } else out.push([s[0], source, s[2], s[3]]);
      previous = source;
    }
    return out;
  });
  return { ...map, sources, names, mappings: encode(lines) };
}

/**
 * `map` (the map file `mapFile` holds) decoded for the launcher's lookups (site-table.ts):
 * its sources resolved against the map's URL and its mappings in generated line and column
 * order, as Node's own SourceMap holds them (decode sorts a line's segments by column,
 * stably, as Node sorts its mappings).
 */
export function siteTable(map: RawSourceMap, mapFile: string): SiteTable {
  const base = pathToFileURL(mapFile);
  const root = typeof map.sourceRoot === "string" ? map.sourceRoot : "";
  const sources = map.sources.map((s) => {
    const source = root + s;
    return isAbsolute(source) ? pathToFileURL(source).href : new URL(source, base).href;
  });
  const rows: number[][] = [];
  decode(map.mappings).forEach((segments, line) => {
    for (const s of segments)
      rows.push(s.length === 1 ? [line, s[0], -1, 0, 0] : [line, s[0], s[1], s[2], s[3]]);
  });
  return { sources, mappings: rows.flat() };
}
