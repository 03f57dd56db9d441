import { readdirSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { takeStamps } from "@pipewright/core";
import type { Metafile } from "esbuild";
import { type ImageStamp, stampOf } from "./manifest.ts";

const NODE_MODULES = `${sep}node_modules${sep}`;

/**
 * Stamps of everything the image depends on, so that any change makes it stale:
 * - every bundled file, and every outside package's file it requires (and its package.json);
 * - for the project's modules, what the module graph stamps for its fingerprints (core's
 *   takeStamps): each folder from a module's up to the project root, the resolution files
 *   and node_modules in every folder above them, present or not, and tsconfig `extends`
 *   chains, so that the image and the fingerprints go stale on the same changes;
 * - for each package: its package.json, its own node_modules, and the node_modules (and
 *   @scope) folder it was found in (an install or upgrade there, a pnpm link retargeted).
 */
export function inputStamps(
  root: string,
  metafile: Metafile,
  outside: Iterable<string>,
): ImageStamp[] {
  const paths = new Set<string>();
  const packageFile = (file: string) => {
    const at = file.lastIndexOf(NODE_MODULES);
    const modules = file.slice(0, at + NODE_MODULES.length - 1);
    const [first, second] = file.slice(modules.length + 1).split(sep);
    const scoped = first!.startsWith("@");
    const pkg = join(modules, first!, ...(scoped ? [second!] : []));
    paths.add(modules);
    if (scoped) paths.add(join(modules, first!));
    paths.add(join(pkg, "package.json"));
    paths.add(join(pkg, "node_modules"));
  };
  const projectFiles: string[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    const file = resolve(root, input);
    if (file.includes(`${sep}.pipewright${sep}image${sep}`)) continue;
    paths.add(file);
    if (file.includes(NODE_MODULES)) packageFile(file);
    else projectFiles.push(file);
  }
  for (const file of outside) {
    paths.add(file);
    packageFile(file);
  }
  const { dirs, configs } = takeStamps(root, projectFiles, []);
  for (const path of [...Object.keys(dirs), ...Object.keys(configs)]) paths.add(path);
  return [...paths].sort().map(stampOf);
}

/** Stamps of the project's source files and folders, for a failed build (see build.ts). */
export function sourceStamps(root: string): ImageStamp[] {
  const out: string[] = [root];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out.push(p);
        walk(p);
      } else if (/\.[cm]?[jt]sx?$|^package\.json$|^[jt]sconfig.*\.json$/.test(e.name)) out.push(p);
    }
  };
  try {
    walk(root);
  } catch {
    // Unreadable folders: the stamps taken so far still catch most edits.
  }
  return out.map(stampOf);
}
