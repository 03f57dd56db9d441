import { existsSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The names a project's config may have, in the order they are looked for. */
export const CONFIG_NAMES = [
  "pipewright.config.ts",
  "pipewright.config.mts",
  "pipewright.config.js",
  "pipewright.config.mjs",
];

/**
 * Finds pipewright.config.* in `dir` or its parents. In a module of its own, without
 * pipewright's packages, because the start-up image's launcher (image/launch.ts) looks
 * for the project before anything else is loaded.
 */
export function findConfig(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    for (const name of CONFIG_NAMES) {
      // Its real path: Node loads modules by real path, so their stack frames (node()
      // definition sites) and the module graph must name a project reached through a
      // symlink by the same one.
      if (existsSync(join(d, name))) return realpathSync(join(d, name));
    }
    if (dirname(d) === d) return undefined;
  }
}
