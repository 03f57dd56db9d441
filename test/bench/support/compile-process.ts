// One CLI-like process over a generated project (see layered-project.ts): loads the project
// through the CLI's own loader, calls the pipeline factory and compiles with the options the
// CLI uses, timing each step; prints the times as JSON. Run by compile.ts, one process per
// sample, so every sample starts as a new `pipewright compile` would (empty in-memory caches,
// fingerprint state only from the state folder).
// Usage: tsx compile-process.ts PROJECT_DIR MIDDLE_NODE
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadPipeline, loadProject } from "../../../packages/cli/src/project.ts";
import { compile, stateDir } from "../../../packages/core/src/index.ts";

const [root, middle] = process.argv.slice(2) as [string, string];
// Wall time, and CPU time (user + system: less disturbed by other processes on a shared machine).
const cpu: Record<string, number> = {};
const time = async <T>(fn: () => T | Promise<T>, name?: string): Promise<[T, number]> => {
  const start = performance.now();
  const used = process.cpuUsage();
  const value = await fn();
  const { user, system } = process.cpuUsage(used);
  if (name) cpu[name] = (user + system) / 1000;
  return [value, performance.now() - start];
};

const [project, load] = await time(() => loadProject(root), "load");
// The factory imports src/index.ts and so every layer: imported first, on its own, to tell
// module loading (and the datasets declared at module level) from the factory's node() calls.
const [, imports] = await time(
  () => import(pathToFileURL(join(root, "src", "index.ts")).href),
  "imports",
);
const [p, declare] = await time(() => loadPipeline(project, "__default__"), "declare");
const options = { name: "__default__", params: {}, root, stateDir: stateDir(root) };
const [plan, compiled] = await time(() => compile(p, options), "compile");
const median = async (fn: () => unknown, runs = 7) => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await time(fn))[1]);
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
};
const from = await median(() => p.from([middle]));
const to = await median(() => p.to([middle]));
process.stdout.write(
  `${JSON.stringify({ load, imports, declare, compile: compiled, from, to, nodes: plan.nodes.length, cpu })}\n`,
);
