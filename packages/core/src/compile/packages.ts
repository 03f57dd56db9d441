import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";

/** An installed package as a node's code sees it. */
export interface PackageInfo {
  /** "1.2.3", or "1.2.3 sha512-..." when a lockfile records the tarball's integrity. */
  version: string;
  /** Its package.json: stamped, so an upgrade in node_modules is noticed. */
  manifest: string;
  /** true when it lives under node_modules; false for a linked workspace package. */
  installed: boolean;
}

/** Framework packages are recorded by version, like installed ones, even when linked. */
export function isFrameworkPackage(name: string): boolean {
  return name === "pipewright" || name.startsWith("@pipewright/");
}

/** "zod" for "zod/v4", "@scope/x" for "@scope/x/y"; undefined for relative or # imports. */
export function packageNameOf(specifier: string): string | undefined {
  const spec = specifier.replace(/^node:/, "");
  if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("#") || spec.includes(":"))
    return undefined;
  const parts = spec.split("/");
  return spec.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

const found = new Map<string, PackageInfo | null>();

/** Finds `name` as Node would from `dir` (node_modules folders up the tree). */
export function installedPackage(name: string, dir: string): PackageInfo | undefined {
  const key = `${name}\0${dir}`;
  const known = found.get(key);
  if (known !== undefined) return known ?? undefined;
  let info: PackageInfo | null = null;
  for (let d = dir; ; d = dirname(d)) {
    const pkgDir = join(d, "node_modules", name);
    const manifest = join(pkgDir, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { version?: string };
      const real = realpathSync(pkgDir);
      const installed = real.split(sep).includes("node_modules");
      const integrity = installed ? lockfileIntegrity(d, name) : undefined;
      info = {
        version: `${pkg.version ?? "0.0.0"}${integrity ? ` ${integrity}` : ""}`,
        manifest,
        installed,
      };
      break;
    }
    if (dirname(d) === d) break;
  }
  found.set(key, info);
  return info ?? undefined;
}

/** Forgets what was found: node_modules may have changed (tests, watch mode). */
export function forgetPackages(): void {
  found.clear();
  lockfiles.clear();
}

const lockfiles = new Map<string, Record<string, { integrity?: string }> | null>();

/**
 * The integrity npm recorded for the installed tarball (node_modules/.package-lock.json,
 * written by every npm install), so a package replaced without a version change is seen.
 */
function lockfileIntegrity(dir: string, name: string): string | undefined {
  let entries = lockfiles.get(dir);
  if (entries === undefined) {
    entries = null;
    try {
      const lock = JSON.parse(
        readFileSync(join(dir, "node_modules", ".package-lock.json"), "utf8"),
      );
      entries = (lock as { packages?: Record<string, { integrity?: string }> }).packages ?? null;
    } catch {
      // No npm lockfile (pnpm, yarn): the version alone identifies the package.
    }
    lockfiles.set(dir, entries);
  }
  return entries?.[`node_modules/${name}`]?.integrity;
}
