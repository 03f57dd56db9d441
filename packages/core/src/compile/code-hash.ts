import { readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import type { Loader } from "esbuild";
import { sha256 } from "../util/canonical.ts";
import { esbuild } from "./esbuild.ts";
import { type ModuleState, type Stamp, stampOf } from "./stamps.ts";

const LOADERS: Record<string, Loader> = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
};

/**
 * The hash of a module's code, not its text: esbuild reprints it without comments,
 * whitespace or types, so a comment-only, formatting-only or type-only edit leaves the
 * hash (and every cache key) unchanged, while any change to what runs changes it. JSON is
 * hashed by value. Reuses the previous hash while the file's stamp is unchanged.
 */
export function codeHash(
  file: string,
  previous: ModuleState | undefined,
): { hash: string; stamp: Stamp } {
  const stamp = stampOf(statSync(file));
  if (previous && sameStamp(previous.stamp, stamp) && !racy(previous.stamp)) {
    return { hash: previous.hash, stamp: previous.stamp };
  }
  return { hash: hashSource(file, readFileSync(file, "utf8")), stamp };
}

/** The code hash of a module's source text. */
export function hashSource(file: string, source: string): string {
  const ext = extname(file);
  if (ext === ".json") {
    try {
      return sha256(`json\0${JSON.stringify(JSON.parse(source))}`);
    } catch {
      return sha256(`text\0${source}`);
    }
  }
  const loader = LOADERS[ext];
  if (!loader) return sha256(`text\0${source}`);
  const { code } = esbuild().transformSync(source, {
    loader,
    format: "esm",
    minifyWhitespace: true,
    legalComments: "none",
    sourcefile: file,
    logLevel: "silent",
  });
  return sha256(`code\0${code}`);
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/**
 * A stamp taken less than two seconds after the file changed cannot prove a later edit
 * absent (an edit in the same clock tick keeps mtime and maybe size): such files are
 * hashed again, as git does with its "racily clean" entries.
 */
export function racy(stamp: Stamp): boolean {
  return stamp.takenAt - stamp.mtimeMs < 2000;
}
