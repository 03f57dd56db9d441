import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { ownManifest } from "../manifest.ts";
import { writeFileAtomic } from "../output.ts";
import { scaffold } from "../scaffold.ts";

/** `@pipewright/core` -> the file names `pnpm pack` / `npm pack` give its tarballs. */
function tarballPattern(name: string): RegExp {
  const stem = name.replace(/^@/, "").replace("/", "-");
  return new RegExp(`^${stem.replace(/[.-]/g, "\\$&")}-(\\d+\\.\\d+\\.\\d+[^/]*)\\.tgz$`);
}

/**
 * The tarball of each pipewright package in `dir` (made by `pnpm pack-all`): this CLI's
 * version when present, else the only version there. Every package must be there.
 */
function findTarballs(dir: string, names: string[], version: string): Record<string, string> {
  if (!existsSync(dir))
    throw new UsageError(
      `--packages ${dir}: no such folder. Make one with \`pnpm pack-all\`.`,
      "init",
    );
  const files = readdirSync(dir).filter((f) => f.endsWith(".tgz"));
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const candidates = files.filter((f) => tarballPattern(name).test(f));
    const exact = candidates.find((f) => tarballPattern(name).exec(f)?.[1] === version);
    const chosen = exact ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (chosen) found[name] = chosen;
    else
      missing.push(
        candidates.length > 1 ? `${name} (several versions: ${candidates.join(", ")})` : name,
      );
  }
  if (missing.length > 0)
    throw new UsageError(
      `--packages ${dir} lacks the tarball of ${missing.join(", ")}. It needs every pipewright package: make the folder with \`pnpm pack-all\`.`,
      "init",
    );
  return found;
}

export const init: Command = {
  name: "init",
  summary:
    "Create a project that installs anywhere: config, conf/ environments, a pipeline, sample data, tsconfig, Dockerfile.",
  usage: "pipewright init [DIR] [--packages TARBALL_DIR] [--force]",
  options: {
    packages: {
      type: "string",
      value: "DIR",
      description:
        "Install pipewright from the tarballs in DIR (made by `pnpm pack-all`), copied into the project's vendor/, instead of the npm registry.",
    },
    force: {
      type: "boolean",
      description: "Write into a folder that is not empty (never overwrites existing files).",
    },
  },
  positionals: { min: 0, max: 1 },
  examples: [
    "pipewright init my-project && cd my-project && npm install && npx pipewright run",
    "pipewright init my-project --packages ../pipewright/out/packages",
  ],
  async run({ values, positionals }, io) {
    const dir = resolve(io.cwd, positionals[0] ?? ".");
    if (existsSync(dir) && readdirSync(dir).length > 0 && !values.force) {
      throw new UsageError(
        `${dir} is not empty. Choose a new folder, or pass --force to add the project files next to what is there.`,
      );
    }
    const manifest = ownManifest();
    const names = [
      manifest.name,
      ...Object.keys(manifest.dependencies).filter((d) => d.startsWith("@pipewright/")),
    ];
    const source =
      typeof values.packages === "string" ? resolve(io.cwd, values.packages) : undefined;
    const tarballs = source ? findTarballs(source, names, manifest.version) : undefined;
    const files = scaffold(basename(dir), {
      version: manifest.version,
      zod: manifest.dependencies.zod ?? "^4.0.0",
      ...(tarballs && {
        tarballs: Object.fromEntries(Object.entries(tarballs).map(([n, f]) => [n, `vendor/${f}`])),
      }),
    });
    const clashes = [
      ...Object.keys(files),
      ...Object.values(tarballs ?? {}).map((f) => `vendor/${f}`),
    ].filter((f) => existsSync(join(dir, f)));
    if (clashes.length > 0)
      throw new UsageError(`${clashes.join(", ")} already exist in ${dir}; nothing was written.`);
    for (const [path, text] of Object.entries(files)) writeFileAtomic(join(dir, path), text);
    if (source && tarballs) {
      mkdirSync(join(dir, "vendor"), { recursive: true });
      for (const f of Object.values(tarballs))
        copyFileSync(join(source, f), join(dir, "vendor", f));
    }
    const c = io.colours;
    const cd = JSON.stringify(positionals[0] ?? ".");
    io.err(
      `${c.green("✓")} created ${Object.keys(files).length} files in ${dir}${
        tarballs ? `, and vendor/ with ${Object.keys(tarballs).length} pipewright tarballs` : ""
      }\n\nNext (see README.md):\n  cd ${cd}\n  npm install\n  npx pipewright check\n  npx pipewright run\n${
        tarballs
          ? ""
          : `\nnpm install takes pipewright ${manifest.version} from the npm registry. To install from a folder of\ntarballs instead (\`pnpm pack-all\` in the pipewright repository), run init with --packages DIR.\n`
      }`,
    );
    return 0;
  },
};
