import { readFileSync } from "node:fs";

export interface Manifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
}

let manifest: Manifest | undefined;

/**
 * This CLI's package.json: its version, and which pipewright packages a project installs.
 * Read relative to this module, which sits at the top of src/ and, once built, of dist/
 * (in one file per module, or in the bundle of dist/main.js): one level under the package.
 */
export function ownManifest(): Manifest {
  manifest ??= JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
  ) as Manifest;
  return manifest;
}
