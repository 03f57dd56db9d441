// `pnpm pack-all [OUT_DIR]`: builds every publishable package and packs it with `pnpm pack`
// into OUT_DIR (default out/packages), in dependency order, as the registry would get
// them: `workspace:*` becomes the exact version and `publishConfig` (exports and types
// pointing at dist/) replaces the development fields. A project installs from that
// folder with `pipewright init --packages OUT_DIR`.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build } from "./build.ts";
import { root } from "./workspace-packages.ts";

/** How to call pnpm: the one running this script, or the version the repo pins, through npx. */
function pnpmCommand(): [string, string[]] {
  const exec = process.env.npm_execpath ?? "";
  if (/pnpm\.c?js$/.test(exec)) return [process.execPath, [exec]];
  const pinned = (
    JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      packageManager: string;
    }
  ).packageManager;
  return ["npx", ["-y", pinned]];
}

/** The tarball name `pnpm pack` gives a package: `@pipewright/core@0.1.0` -> pipewright-core-0.1.0.tgz. */
export const tarballName = (name: string, version: string) =>
  `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;

export function packAll(outDir: string): string[] {
  const out = resolve(outDir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const packages = build([]);
  const [cmd, prefix] = pnpmCommand();
  const files: string[] = [];
  for (const pkg of packages) {
    const r = spawnSync(cmd, [...prefix, "pack", "--pack-destination", out], {
      cwd: pkg.dir,
      encoding: "utf8",
    });
    if (r.status !== 0)
      throw new Error(`pnpm pack failed in ${relative(root, pkg.dir)}:\n${r.stdout}${r.stderr}`);
    const file = tarballName(pkg.name, pkg.version);
    if (!readdirSync(out).includes(file))
      throw new Error(`pnpm pack in ${relative(root, pkg.dir)} did not write ${file}`);
    files.push(file);
    process.stderr.write(
      `packed ${pkg.name}@${pkg.version} → ${relative(process.cwd(), join(out, file))}\n`,
    );
  }
  return files;
}

if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  try {
    const files = packAll(process.argv[2] ?? join(root, "out", "packages"));
    process.stdout.write(`${files.join("\n")}\n`);
  } catch (error) {
    process.stderr.write(`pack-all failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
