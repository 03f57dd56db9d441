// `pnpm demo`: the README's first command. Walks through the spaceflights example with the
// real CLI: compile to every target into out/, run, run again (all cached), change a param
// and show that only the affected nodes run.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const project = join(root, "examples", "spaceflights");
const bin = join(root, "packages", "cli", "bin", "pipewright.cjs");
const bold = (s: string) =>
  process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : s;

function step(title: string, args: string[]): void {
  process.stdout.write(`\n${bold(`▶ ${title}`)}\n$ pipewright ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: project, stdio: "inherit" });
  if (r.status !== 0) {
    process.stderr.write(`demo step failed with exit code ${r.status}\n`);
    process.exit(r.status ?? 1);
  }
}

// Start from a clean slate so the first run really runs: forget earlier runs and outputs.
rmSync(join(project, ".pipewright"), { recursive: true, force: true });
for (const dir of readdirSync(join(project, "data"))) {
  if (dir !== "01_raw") rmSync(join(project, "data", dir), { recursive: true, force: true });
}
const out = (file: string) => join(root, "out", file);

step("The project: pipelines, nodes, datasets", ["ls", "--pipeline", "__default__"]);
step("Compile to a local plan", [
  "compile",
  "--target",
  "local",
  "--out",
  out("spaceflights.plan.json"),
]);
// --group memory: nodes joined by in-memory datasets share one pod/task.
step("Compile to an Argo Workflow", [
  "compile",
  "--target",
  "argo",
  "--group",
  "memory",
  "--out",
  out("spaceflights.argo.yaml"),
]);
step("Compile to an Airflow 3 DAG", [
  "compile",
  "--target",
  "airflow",
  "--group",
  "memory",
  "--out",
  out("spaceflights_dag.py"),
]);
step("Draw it", ["viz", "--out", out("spaceflights.html")]);
step("Run locally", ["run"]);
step("Run again: everything is cached", ["run"]);
step("Change a param: which nodes would run, and why", [
  "status",
  "--params",
  "candidate.model_options.test_size=0.25",
]);
step("Run with the new param: only the affected nodes run", [
  "run",
  "--params",
  "candidate.model_options.test_size=0.25",
]);
step("The recorded runs", ["runs", "ls"]);
step("Compare the last two runs: params, metrics, cache hits, durations", [
  "runs",
  "diff",
  "latest~1",
  "latest",
]);

process.stdout.write(`
${bold("Where to look")}
  out/spaceflights.plan.json    the plan (IR): docs/plan.md
  out/spaceflights.argo.yaml    an Argo Workflow: docs/targets/argo.md
  out/spaceflights_dag.py       an Airflow DAG file: docs/targets/airflow.md
  out/spaceflights.html         the pipeline page: open it in a browser
  examples/spaceflights/data/   the outputs; .pipewright/ holds the cache and run records
Next: cd examples/spaceflights && npx pipewright --help   (docs/getting-started.md)
`);
