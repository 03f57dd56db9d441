import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The URLs of every module a Node process loads, recorded by a module hook registered
 * before anything else: `node --import <hook> ...args`. For tests of what a command does
 * not load (start-up cost is per module).
 */
export function modulesLoadedBy(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): { urls: string[]; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "pw-modules-"));
  const log = join(dir, "loaded.txt");
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + "\\n");
  return next(url, context);
}
`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    // The hook sees what the ESM loader loads; CommonJS modules (loaded with require(), as
    // yaml is) are listed from require.cache when the process ends.
    `import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
register(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => {
  const files = Object.keys(cache).map((f) => pathToFileURL(f).href + "\\n");
  appendFileSync(${JSON.stringify(log)}, files.join(""));
});
`,
  );
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", join(dir, "register.mjs"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", CI: "true", ...env },
  });
  const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
  return { urls, status: r.status, stderr: r.stderr };
}
