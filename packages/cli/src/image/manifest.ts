import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * The image's first and last text: a function of CommonJS's five module variables, in strict
 * mode, as every module in it is (ES modules all; CommonJS packages stay outside).
 */
export const WRAPPER_START =
  '(function (exports, require, module, __filename, __dirname) {"use strict";';
export const WRAPPER_END = "\n})";

/** Bumped when the image's layout or the manifest's fields change: older ones are rebuilt. */
export const IMAGE_FORMAT = 2;

/**
 * A file or folder as the image saw it: [path, mtimeMs, size], or [path, -1, 0] when it was
 * absent (a package.json or node_modules that would change how imports resolve if it
 * appeared). No inode number: a container's files keep their times and sizes from the
 * image build that ran pipewright, but not their inodes (overlay filesystems), and the
 * image must still count as built in every pod.
 */
export type ImageStamp = [path: string, mtimeMs: number, size: number];

/** What a start-up image was built from, beside it in `.pipewright/image/manifest.json`. */
export interface ImageManifest {
  v: number;
  /** The bin that builds and launches it (another install of pipewright builds its own). */
  launcher: string;
  configFile: string;
  /** The image (CommonJS, its source map beside it); absent when it could not be built. */
  image?: string;
  /** Why no image could be built: kept, so that an unchanged project does not try again. */
  failed?: string;
  /** The project's ES module bundle, which --parallel workers import (see core's bundleProject). */
  projectBundle?: string;
  /** When the build started: a stamp that close to it is not trusted (see RACY_MS). */
  startedAt: number;
  /** Every file bundled, the folders of the project's modules, and what resolution reads. */
  stamps: ImageStamp[];
}

/**
 * A file changed within this long before the build started may have changed again within
 * the same mtime tick after esbuild read it (git's "racily clean" rule, the same 2 s as the
 * module graph's stamps in core, which the launcher cannot import without loading zod):
 * such an image is not used, and the next build, later, settles it.
 */
export const RACY_MS = 2000;

/** What the image hands the CLI's project loader (see loader.ts). */
export interface ImageProject {
  configFile: string;
  /** Evaluates the config module (and the project modules it imports) inside the image. */
  load: () => Promise<unknown>;
  /** The project's ES module bundle, which --parallel workers import. */
  projectBundle: string;
}

/** The global the launcher sets for the loader: a symbol, so no two copies disagree. */
export const IMAGE_PROJECT = Symbol.for("pipewright.image-project");

/** Where a project's start-up image lives. */
export function imageDir(root: string): string {
  return join(root, ".pipewright", "image");
}

export function manifestFile(root: string): string {
  return join(imageDir(root), "manifest.json");
}

/** The stamp of `path` now: absent as [path, -1, 0, 0]. */
export function stampOf(path: string): ImageStamp {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? [path, st.mtimeMs, st.size] : [path, -1, 0];
}

/** The project's manifest, or undefined when there is none or it cannot be read. */
export function readManifest(root: string): ImageManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(manifestFile(root), "utf8")) as ImageManifest;
    return m?.v === IMAGE_FORMAT && Array.isArray(m.stamps) ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the manifest does not describe the files as they are now (undefined: it does). Every
 * stamp must match, none may be racy, and it must be this launcher's, for this config.
 */
export function staleness(
  m: ImageManifest,
  expected: { launcher: string; configFile: string },
): string | undefined {
  if (m.launcher !== expected.launcher) return `built by another pipewright (${m.launcher})`;
  if (m.configFile !== expected.configFile) return `built for ${m.configFile}`;
  // Workers of --parallel import the project's bundle: the image is only whole with it. It
  // is pipewright's own output, named by the stamps of its sources, so only its presence
  // is checked (a stamp of it would be racy right after an edit rebuilt it).
  if (m.projectBundle && stampOf(m.projectBundle)[1] < 0) return `${m.projectBundle} is gone`;
  for (const [path, mtimeMs, size] of m.stamps) {
    const now = stampOf(path);
    if (now[1] !== mtimeMs || now[2] !== size) return `${path} changed`;
    // A failed build's stamps only say when to try again: a change they miss costs an
    // image, never a stale result.
    if (m.image !== undefined && mtimeMs > m.startedAt - RACY_MS)
      return `${path} changed just before the image was built`;
  }
  return undefined;
}
