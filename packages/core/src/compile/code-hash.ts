import { readFileSync, statSync } from "node:fs";
import { extname, join, relative, resolve } from "node:path";
import { sha256 } from "../util/canonical.ts";
import { esbuild } from "./esbuild.ts";
import { type ModuleState, type Stamp, stampOf } from "./stamps.ts";

/** Extensions esbuild reprints as code; other modules (JSON, text) are hashed by content. */
const CODE = new Set([".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx"]);

/**
 * The hash of each module's code, not its text: esbuild reprints every module without
 * comments, whitespace or types, so a comment-only, formatting-only or type-only edit
 * leaves the hash (and every cache key) unchanged, while any change to what runs changes
 * it. JSON is hashed by value. A module whose stamp is unchanged keeps its previous hash;
 * the others are reprinted together in one esbuild call (one call per module would cost
 * a round trip each).
 */
export function codeHashes(
  root: string,
  files: readonly string[],
  previous: Readonly<Record<string, ModuleState>>,
): Map<string, { hash: string; stamp: Stamp }> {
  const out = new Map<string, { hash: string; stamp: Stamp }>();
  const stale: string[] = [];
  for (const file of files) {
    const stamp = stampOf(statSync(file));
    const prev = previous[file];
    if (prev && sameStamp(prev.stamp, stamp) && !racy(prev.stamp))
      out.set(file, { hash: prev.hash, stamp: prev.stamp });
    else if (CODE.has(extname(file))) stale.push(file);
    else out.set(file, { hash: hashData(file, readFileSync(file, "utf8")), stamp });
  }
  if (stale.length === 0) return out;
  const stamps = new Map(stale.map((f) => [f, stampOf(statSync(f))]));
  const outdir = join(root, ".pipewright", "code");
  const result = esbuild().buildSync({
    entryPoints: stale,
    absWorkingDir: root,
    outbase: root,
    outdir,
    bundle: false,
    write: false,
    metafile: true,
    format: "esm",
    platform: "node",
    minifyWhitespace: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const bySource = new Map<string, string>();
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint) bySource.set(resolve(root, output), resolve(root, meta.entryPoint));
  }
  for (const f of result.outputFiles) {
    const source = bySource.get(f.path);
    if (source) out.set(source, { hash: sha256(`code\0${f.text}`), stamp: stamps.get(source)! });
  }
  for (const f of stale)
    if (!out.has(f)) throw new Error(`esbuild gave no output for ${relative(root, f)}`);
  return out;
}

/** A data module (JSON, text) hashed by value. */
function hashData(file: string, source: string): string {
  if (extname(file) === ".json") {
    try {
      return sha256(`json\0${JSON.stringify(JSON.parse(source))}`);
    } catch {
      // Not valid JSON: then its text is what it is.
    }
  }
  return sha256(`text\0${source}`);
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/**
 * A stamp taken less than two seconds after the file changed cannot prove a later edit
 * absent (an edit in the same clock tick keeps mtime and maybe size): such files are
 * hashed again, as git does with its "racily clean" entries.
 */
function racy(stamp: Stamp): boolean {
  return stamp.takenAt - stamp.mtimeMs < 2000;
}
