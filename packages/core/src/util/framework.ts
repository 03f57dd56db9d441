import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A pipewright package, as found above one of its files. */
export interface FrameworkPackage {
  name: string;
  version: string;
}

const byDir = new Map<string, FrameworkPackage | null>();

/**
 * The pipewright package whose own code (its src/ or dist/) holds `file`, if any. Such
 * files are the framework, not the project: they are left off definition stacks, and the
 * code fingerprint records the package by version instead of hashing its files (which
 * also covers pipewright linked from a workspace, as in this repository).
 */
export function frameworkPackageOf(file: string): FrameworkPackage | undefined {
  const dir = dirname(file);
  let known = byDir.get(dir);
  if (known === undefined) {
    known = find(dir);
    byDir.set(dir, known);
  }
  return known ?? undefined;
}

function find(dir: string): FrameworkPackage | null {
  for (let d = dir, child = dir; ; child = d, d = dirname(d)) {
    const manifest = join(d, "package.json");
    if (existsSync(manifest)) {
      let pkg: { name?: string; version?: string } = {};
      try {
        pkg = JSON.parse(readFileSync(manifest, "utf8"));
      } catch {
        // An unreadable manifest is not ours.
      }
      const name = pkg.name ?? "";
      const top = child === d ? "" : child.slice(d.length + 1).split(/[\\/]/)[0];
      const ours = name === "pipewright" || name.startsWith("@pipewright/");
      return ours && (top === "src" || top === "dist")
        ? { name, version: pkg.version ?? "0.0.0" }
        : null;
    }
    if (dirname(d) === d) return null;
  }
}
