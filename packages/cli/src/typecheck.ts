import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export type TypecheckResult =
  | { ran: false; reason: string }
  | { ran: true; errors: string[]; durationMs: number; tsc: string };

/** The project's own `tsc`, resolved from its root as `npx tsc` would; undefined without TypeScript. */
export function findTsc(root: string): string | undefined {
  try {
    return createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    return undefined;
  }
}

/**
 * `tsc --noEmit` with the project's tsconfig.json and its own TypeScript, so the check
 * matches the editor's. Each diagnostic comes back as one string (its continuation lines
 * joined), "src/x.ts(3,5): error TS2322: ...". Skipped, with the reason, when the project
 * has no TypeScript installed or no tsconfig.json.
 */
export async function typecheck(root: string): Promise<TypecheckResult> {
  if (!existsSync(join(root, "tsconfig.json")))
    return { ran: false, reason: "no tsconfig.json in the project" };
  const tsc = findTsc(root);
  if (!tsc)
    return { ran: false, reason: "TypeScript is not installed (npm install -D typescript)" };
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [tsc, "-p", "tsconfig.json", "--noEmit", "--pretty", "false"],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c) => resolve(c ?? 1));
  });
  const errors: string[] = [];
  for (const line of output.split("\n")) {
    if (line.trim() === "") continue;
    if (/^\s/.test(line) && errors.length > 0) errors[errors.length - 1] += ` ${line.trim()}`;
    else errors.push(line.trimEnd());
  }
  if (code !== 0 && errors.length === 0) errors.push(`tsc exited with code ${code}`);
  return { ran: true, errors: code === 0 ? [] : errors, durationMs: Date.now() - started, tsc };
}
