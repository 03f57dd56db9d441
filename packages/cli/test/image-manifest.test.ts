import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  IMAGE_FORMAT,
  type ImageManifest,
  RACY_MS,
  staleness,
  stampOf,
} from "../src/image/manifest.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-image-manifest-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const expected = { launcher: "/bin/pipewright.cjs", configFile: "/p/pipewright.config.ts" };
/** A file written with an mtime `ageMs` in the past. */
function file(name: string, text: string, ageMs = 60_000): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(path, t, t);
  return path;
}
function manifest(paths: string[], startedAt = Date.now()): ImageManifest {
  return { v: IMAGE_FORMAT, ...expected, image: "x", startedAt, stamps: paths.map(stampOf) };
}

describe("a start-up image's manifest (staleness)", () => {
  test("unchanged files, folders and absent files: the image is current", () => {
    const a = file("a.ts", "export const a = 1;\n");
    mkdirSync(join(dir, "src"));
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(join(dir, "src"), old, old);
    expect(staleness(manifest([a, join(dir, "src"), join(dir, "package.json")]), expected)).toBe(
      undefined,
    );
  });

  test("an edit of the same size with a new mtime, a longer file, a deleted file, a new file: stale", () => {
    const a = file("a.ts", "export const a = 1;\n");
    const cases: [string, () => void][] = [
      ["same size", () => file("a.ts", "export const a = 2;\n", 30_000)],
      ["longer", () => appendFileSync(a, "//\n")],
      ["deleted", () => rmSync(a)],
    ];
    for (const [what, edit] of cases) {
      file("a.ts", "export const a = 1;\n");
      const m = manifest([a]);
      edit();
      expect(staleness(m, expected), what).toBe(`${a} changed`);
    }
    const pkg = join(dir, "package.json");
    const m = manifest([pkg]);
    file("package.json", "{}");
    expect(staleness(m, expected)).toBe(`${pkg} changed`);
  });

  test("a file changed within RACY_MS before the build started is not trusted", () => {
    const a = file("a.ts", "x", 0);
    expect(staleness(manifest([a]), expected)).toMatch(/changed just before/);
    const b = file("b.ts", "x", RACY_MS + 1000);
    expect(staleness(manifest([b]), expected)).toBe(undefined);
    // A failed build is not tried again for a racy stamp: no image is used either way.
    const { image: _, ...failed } = { ...manifest([a]), failed: "top-level await" };
    expect(staleness(failed, expected)).toBe(undefined);
  });

  test("the project's bundle, which --parallel workers import, must still be there", () => {
    const bundle = file("project-0123.mjs", "export {};\n", 0);
    const m = { ...manifest([file("a.ts", "x")]), projectBundle: bundle };
    // Written just now (an edit rebuilt it), and not racy: only its presence counts.
    expect(staleness(m, expected)).toBe(undefined);
    rmSync(bundle);
    expect(staleness(m, expected)).toBe(`${bundle} is gone`);
  });

  test("another pipewright, or another config, does not use the image", () => {
    const m = manifest([file("a.ts", "x")]);
    expect(staleness(m, { ...expected, launcher: "/other/bin.js" })).toMatch(/another pipewright/);
    expect(staleness(m, { ...expected, configFile: "/q/pipewright.config.ts" })).toMatch(
      /built for/,
    );
  });
});
