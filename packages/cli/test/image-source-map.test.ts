import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import Module, { findSourceMap, SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";
import { describe, expect, test } from "vitest";
import { random } from "../../../test/support/random.ts";
import { findEntry } from "../src/image/site-table.ts";
import { projectOnlyMap, type RawSourceMap, siteTable } from "../src/image/source-map.ts";

const SOURCES = [
  "../../src/pipeline.ts",
  "../../src/lib/metrics.ts",
  "../../pipewright.config.ts",
  "../../node_modules/zod/v4/core/core.js",
  "../../node_modules/zod/v4/classic/schemas.js",
  "../../node_modules/@pipewright/core/dist/index.js",
  "../../node_modules/pipewright/dist/main.js",
  "../../node_modules/pipewright/node_modules/yaml/dist/index.js",
];
const packageOf = (source: string) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1];

/** As Node's SourceMap takes a map: with the fields esbuild's maps have and ours leave out. */
const payload = (map: RawSourceMap) => ({ file: "", sourceRoot: "", sourcesContent: [], ...map });

/** A random map over SOURCES: lines of segments in column order, runs of one source. */
function randomMap(next: () => number): RawSourceMap {
  const names = ["run", "node", "parse", "toJSONSchema", "main", "summarise"];
  const lines: SourceMapSegment[][] = [];
  for (let l = 0, count = 1 + Math.floor(next() * 30); l < count; l++) {
    const line: SourceMapSegment[] = [];
    let column = Math.floor(next() * 3);
    let source = Math.floor(next() * SOURCES.length);
    for (let s = 0, n = Math.floor(next() * 12); s < n; s++) {
      if (next() < 0.3) source = Math.floor(next() * SOURCES.length);
      const at = [column, source, Math.floor(next() * 500), Math.floor(next() * 80)] as const;
      line.push(next() < 0.3 ? [...at, Math.floor(next() * names.length)] : [...at]);
      column += 1 + Math.floor(next() * 40);
    }
    lines.push(line);
  }
  return { version: 3, sources: SOURCES, names, mappings: encode(lines) };
}

describe("the start-up image's source map (projectOnlyMap)", () => {
  test("every generated position maps as before in project code, and to its package's folder elsewhere (Node's own SourceMap reads both)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const full = randomMap(next);
      const cut = projectOnlyMap(full);
      const before = new SourceMap(payload(full));
      const after = new SourceMap(payload(cut));
      for (let line = 0; line < 30; line++) {
        for (let column = 0; column < 400; column += 7) {
          const was = before.findEntry(line, column) as {
            originalSource?: string;
            originalLine?: number;
            originalColumn?: number;
            name?: string;
          };
          const now = after.findEntry(line, column) as typeof was;
          if (was.originalSource === undefined) {
            expect(now.originalSource, `seed ${seed} ${line}:${column}`).toBeUndefined();
            continue;
          }
          const folder = packageOf(was.originalSource.replace(/^.*?(node_modules)/, "$1"));
          // Node's findEntry carries a name over to segments that have none: not compared.
          if (folder === undefined)
            expect({ ...now, name: undefined }, `seed ${seed} ${line}:${column}`).toEqual({
              ...was,
              name: undefined,
            });
          else
            expect(now.originalSource, `seed ${seed} ${line}:${column}`).toBe(
              was.originalSource.slice(0, was.originalSource.indexOf(folder) + folder.length),
            );
        }
      }
    }
  });

  test("project segments keep their names", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const full = randomMap(random(seed));
      const cut = projectOnlyMap(full);
      const named = (map: RawSourceMap) =>
        decode(map.mappings).flatMap((line, l) =>
          line
            .filter((s) => s.length === 5 && packageOf(map.sources[s[1]!]!) === undefined)
            .map((s) => `${l}:${s[0]} ${map.sources[s[1]!]} ${map.names[s[4]!]}`),
        );
      expect(named(cut), `seed ${seed}`).toEqual(named(full));
    }
  });

  test("package code keeps one mapping per run, so the map is a fraction of the original", () => {
    const next = random(7);
    const full = randomMap(next);
    const cut = projectOnlyMap(full);
    expect(cut.sources).toEqual([
      ...new Set(
        full.sources.map((s) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(s)?.[1] ?? s),
      ),
    ]);
    expect(cut.mappings.length).toBeLessThan(full.mappings.length);
    // Only the names project segments use are kept.
    expect(cut.names.length).toBeLessThanOrEqual(full.names.length);
  });

  test("the launcher's site table answers as Node's own map, registered from the map file as the launcher registers it", () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-site-table-"));
    process.setSourceMapsEnabled(true);
    try {
      for (let seed = 1; seed <= 100; seed++) {
        const next = random(seed);
        // The cut map as the image has it, and the full one too: its runs of one source
        // and a few mappings without a source (which the cut map drops) test the rest.
        for (const [kind, map] of [
          ["cut", projectOnlyMap(randomMap(next))],
          ["full", withSourceless(randomMap(next), next)],
        ] as const) {
          const script = join(dir, `image-${seed}-${kind}.cjs`);
          const mapFile = `${script}.map`;
          writeFileSync(mapFile, JSON.stringify(map));
          // As launch.ts registers the image's map: Node reads the file and resolves sources.
          const stub = new Module(script) as Module & { _compile(code: string, f: string): void };
          stub._compile(`//# sourceMappingURL=${script.slice(dir.length + 1)}.map\n`, script);
          const node = findSourceMap(script)!;
          const table = JSON.parse(JSON.stringify(siteTable(map, mapFile)));
          for (let line = -1; line < 32; line++) {
            for (let column = 0; column < 420; column += 3) {
              const was = node.findEntry(line, column) as Record<string, unknown>;
              const expected = {
                originalSource: was.originalSource,
                originalLine: was.originalLine,
                originalColumn: was.originalColumn,
              };
              const got = findEntry(table, line, column);
              expect(
                {
                  originalSource: undefined,
                  originalLine: undefined,
                  originalColumn: undefined,
                  ...got,
                },
                `seed ${seed} ${kind} ${line}:${column}`,
              ).toEqual(
                was.originalSource === undefined
                  ? {
                      originalSource: undefined,
                      originalLine: undefined,
                      originalColumn: undefined,
                    }
                  : expected,
              );
            }
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * `map` with some segments cut to their generated column only (no source), and some lines'
 * segments out of column order (both sorted by their readers). Not the map's last segment:
 * Node 20 reads past the end of the text after a sourceless one (a quirk the image's maps,
 * which keep no such segments, never meet).
 */
function withSourceless(map: RawSourceMap, next: () => number): RawSourceMap {
  const lines = decode(map.mappings);
  const last = lines.findLastIndex((line) => line.length > 0);
  const cut = lines.map((line, l) => {
    const segments = line.map(
      (s, i): SourceMapSegment =>
        next() < 0.15 && !(l === last && i === line.length - 1) ? [s[0]] : s,
    );
    if (l === last || next() < 0.7) return segments;
    const tail = segments.pop();
    return tail ? [tail, ...segments] : segments;
  });
  return { ...map, mappings: encode(cut) };
}
