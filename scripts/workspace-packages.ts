// The publishable packages of the workspace (packages/*), in dependency order: a package
// comes after every workspace package it depends on. Shared by build.ts and pack-all.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const root = join(import.meta.dirname, "..");

export interface WorkspacePackage {
  name: string;
  version: string;
  dir: string;
  /** Workspace packages it depends on (dependencies only: what a consumer installs). */
  deps: string[];
}

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

export function workspacePackages(): WorkspacePackage[] {
  const dirs = readdirSync(join(root, "packages"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, "packages", d.name))
    .sort();
  const manifests = dirs.map(
    (dir) =>
      [dir, JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest] as const,
  );
  const names = new Set(manifests.map(([, m]) => m.name));
  const byName = new Map(
    manifests
      .filter(([, m]) => !m.private)
      .map(([dir, m]) => [
        m.name,
        {
          name: m.name,
          version: m.version,
          dir,
          deps: Object.keys(m.dependencies ?? {})
            .filter((d) => names.has(d))
            .sort(),
        },
      ]),
  );
  // Depth-first topological sort; names sorted, so the order is stable.
  const order: WorkspacePackage[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting")
      throw new Error(`workspace dependency cycle: ${[...path, name].join(" -> ")}`);
    state.set(name, "visiting");
    const pkg = byName.get(name)!;
    for (const d of pkg.deps) visit(d, [...path, name]);
    state.set(name, "done");
    order.push(pkg);
  };
  for (const name of [...byName.keys()].sort()) visit(name, []);
  return order;
}

/** `packages` and everything they depend on inside the workspace, in dependency order. */
export function withDependencies(all: WorkspacePackage[], wanted: string[]): WorkspacePackage[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const keep = new Set<string>();
  const add = (name: string) => {
    if (keep.has(name)) return;
    const pkg = byName.get(name);
    if (!pkg)
      throw new Error(`no workspace package "${name}" (have: ${[...byName.keys()].join(", ")})`);
    keep.add(name);
    for (const d of pkg.deps) add(d);
  };
  for (const w of wanted) add(w);
  return all.filter((p) => keep.has(p.name));
}
