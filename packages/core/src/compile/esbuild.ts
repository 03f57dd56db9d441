import { createRequire } from "node:module";

type Esbuild = typeof import("esbuild");
let loaded: Esbuild | undefined;

/**
 * esbuild, loaded on first use: a start-up whose module graph is unchanged (the stamps
 * match) never needs it, and `pipewright ls` should not pay for it. Synchronous because
 * compile() is.
 */
export function esbuild(): Esbuild {
  loaded ??= createRequire(import.meta.url)("esbuild") as Esbuild;
  return loaded;
}
