// The background builder of a project's start-up image (see launch.ts buildAfter):
// `node build-main.js ROOT CONFIG LAUNCHER LOCK TOKEN`. Its output goes nowhere; the manifest it
// writes says whether the image was built and, if not, why.
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildImage } from "./build.ts";

const [root, configFile, launcher, lock, token] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
// Beside this module in the sources, one folder up in dist/ (see scripts/build.ts).
const main = new URL(
  import.meta.url.endsWith(".ts") ? "../main.ts" : "../main.js",
  import.meta.url,
);
try {
  await buildImage({ root, configFile, launcher, mainFile: fileURLToPath(main) });
} finally {
  // Only our own lock: one taken over after LOCK_MS belongs to the builder that took it.
  let holder: string | undefined;
  try {
    holder = readFileSync(lock, "utf8");
  } catch {
    // Removed already.
  }
  if (holder === token) rmSync(lock, { force: true });
}
