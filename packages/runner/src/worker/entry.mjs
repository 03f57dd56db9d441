// Worker-thread entry, plain JavaScript on purpose: a worker does not inherit the
// TypeScript loader of the thread that started it. tsx is registered only when something
// TypeScript must load: the worker's own sources (inside the pipewright workspace) or a
// project loaded from its .ts config. A project the CLI bundled (see core's bundleProject)
// is plain JavaScript, so an installed pipewright starts its workers without a loader.
import { existsSync } from "node:fs";
import { workerData } from "node:worker_threads";

const source = new URL("./main.ts", import.meta.url);
const fromSource = existsSync(source);
if (fromSource || /\.[cm]?tsx?$/.test(workerData?.module ?? "")) {
  // zod is imported by every pipeline; loading it before tsx's hooks are in place takes
  // the native loader (about twice as fast). The config's own import of zod then resolves
  // to the same file and reuses this module.
  await import("zod").catch(() => {});
  const { register } = await import("tsx/esm/api");
  register();
}
// A bundle carries an inline source map: stack traces of node errors name the .ts files.
process.setSourceMapsEnabled(true);
await import(fromSource ? "./main.ts" : "./main.js");
