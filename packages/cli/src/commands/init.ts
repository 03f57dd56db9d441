import { existsSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { writeFileAtomic } from "../output.ts";
import { scaffold } from "../scaffold.ts";

export const init: Command = {
  name: "init",
  summary:
    "Create a working pipewright project: config, catalog, params, a pipeline and sample data.",
  usage: "pipewright init [DIR] [--force]",
  options: {
    force: {
      type: "boolean",
      description: "Write into a folder that is not empty (never overwrites existing files).",
    },
  },
  positionals: { min: 0, max: 1 },
  examples: ["pipewright init my-project && cd my-project && pipewright run"],
  async run({ values, positionals }, io) {
    const dir = resolve(io.cwd, positionals[0] ?? ".");
    if (existsSync(dir) && readdirSync(dir).length > 0 && !values.force) {
      throw new UsageError(
        `${dir} is not empty. Choose a new folder, or pass --force to add the project files next to what is there.`,
      );
    }
    const files = scaffold(basename(dir));
    const clashes = Object.keys(files).filter((f) => existsSync(join(dir, f)));
    if (clashes.length > 0)
      throw new UsageError(`${clashes.join(", ")} already exist in ${dir}; nothing was written.`);
    for (const [path, text] of Object.entries(files)) writeFileAtomic(join(dir, path), text);
    const c = io.colours;
    const cd = JSON.stringify(positionals[0] ?? ".");
    io.err(
      `${c.green("✓")} created ${Object.keys(files).length} files in ${dir}\n\nNext:\n  cd ${cd}\n  pipewright run\n  pipewright status\n  pipewright viz --out pipeline.html\n`,
    );
    return 0;
  },
};
