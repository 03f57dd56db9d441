import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "./example-plan.ts";

export const BIN = join(repoRoot, "packages", "cli", "bin", "pipewright.cjs");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `pipewright` binary as a child process, with colour off unless asked. */
export function cli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, CI: "true", ...options.env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Writes a project into a fresh folder under <repo>/.tmp (inside the workspace, so
 * `pipewright`, `@pipewright/core` and `zod` resolve from the root node_modules).
 */
export function makeProject(files: Record<string, string>): string {
  mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, ".tmp", "project-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
