/**
 * Shared by the examples' end-to-end tests: a throw-away copy of an example project and
 * the real `pipewright` binary spawned in it, so the tests exercise exactly what a user
 * runs and never write into the repository.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../packages/cli/bin/pipewright.cjs", import.meta.url));

/** Left behind by a run or not part of the project a user would start from. */
const SKIP = new Set(["node_modules", "test", ".pipewright", "out"]);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ProjectCopy {
  dir: string;
  /** Runs `pipewright ...args` in the copy; never throws on a non-zero exit. */
  cli(...args: string[]): Promise<CliResult>;
  /** `pipewright ...args --json`, parsed; throws with stderr when the command failed. */
  json<T = any>(...args: string[]): Promise<T>;
  remove(): void;
}

/**
 * Copies the example at `exampleDir` (sources, conf and raw data; no outputs or
 * caches) to a temporary folder, linking its installed node_modules.
 */
export function copyProject(exampleDir: string): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), `pw-${basename(exampleDir)}-`));
  cpSync(exampleDir, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(exampleDir, src);
      if (rel === "") return true;
      const parts = rel.split(sep);
      if (SKIP.has(parts[0]!)) return false;
      // Only the raw inputs of data/: everything else is written by runs.
      return parts[0] !== "data" || parts.length === 1 || parts[1] === "01_raw";
    },
  });
  symlinkSync(join(exampleDir, "node_modules"), join(dir, "node_modules"), "dir");
  const cli = (...args: string[]) => spawnCli(dir, args);
  return {
    dir,
    cli,
    async json(...args) {
      const r = await cli(...args, "--json");
      if (r.code !== 0)
        throw new Error(`pipewright ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function spawnCli(cwd: string, args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "1" };
  // The test runner's loader flags are not the user's.
  delete env.NODE_OPTIONS;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
