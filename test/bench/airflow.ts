// Airflow adapter benchmark (issue #6): emit time of the DAG file for a 10k-node plan
// (target ≤ 1 s), and python3's ast.parse time of that file (target ≤ 1 s; Airflow gives
// a DAG file 30 s to import). For comparison, the same DAG written the naive way, one
// operator statement and one edge statement per task, is parsed too.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emitDagFile } from "../../packages/airflow/src/emit.ts";
import { compileAirflow } from "../../packages/airflow/src/index.ts";
import { taskRows } from "../../packages/airflow/src/layout.ts";
import { airflowNames } from "../../packages/airflow/src/names.ts";
import { podProfiles } from "../../packages/airflow/src/pods.ts";
import { resolveOptions } from "../../packages/airflow/src/resolve.ts";
import { largePlan } from "../../packages/airflow/test/fixtures.ts";
import { groupTasks, planHash } from "../../packages/core/src/index.ts";
import { type BenchSection, fmtMs, timeMs } from "./types.ts";

const PARSE = `
import ast, statistics, sys, time
source = open(sys.argv[1]).read()
times = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    ast.parse(source)
    times.append(time.perf_counter() - start)
print(statistics.median(times) * 1000)
`;

function python(): string | undefined {
  const found = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], {
    encoding: "utf8",
  });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function parseMs(py: string, file: string, runs: number): number {
  const out = spawnSync(py, ["-c", PARSE, file, String(runs)], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`ast.parse failed: ${out.stderr}`);
  return Number(out.stdout.trim());
}

/** The DAG as a naive generator would write it: a statement per operator and per edge. */
function naive(plan: ReturnType<typeof largePlan>): string {
  const lines = [
    "from airflow.sdk import DAG",
    "from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator",
    'with DAG(dag_id="large") as dag:',
  ];
  const ids = new Map(plan.nodes.map((n, i) => [n.id, `t${i}`]));
  for (const n of plan.nodes) {
    lines.push(
      `    ${ids.get(n.id)} = KubernetesPodOperator(task_id=${JSON.stringify(n.id)}, image="img", cmds=["npx", "pipewright"], arguments=["run-node", "--node", ${JSON.stringify(n.id)}])`,
    );
  }
  for (const t of groupTasks(plan))
    for (const d of t.dependsOn) lines.push(`    ${ids.get(d)} >> ${ids.get(t.id)}`);
  return `${lines.join("\n")}\n`;
}

export async function bench(): Promise<BenchSection> {
  const rows: BenchSection["rows"] = [];
  const plan = largePlan(10_000);
  const options = { image: "registry.example.com/large:1.0" };
  // planHash is cached per plan object; a shallow copy is a plan whose hash is not known yet.
  const cold = await timeMs(() => compileAirflow({ ...plan }, options), 3);
  const warm = await timeMs(() => compileAirflow(plan, options), 3);
  const hash = await timeMs(() => planHash({ ...plan }), 3);
  const group = await timeMs(() => groupTasks(plan), 3);
  const tasks = groupTasks(plan);
  const digest = planHash(plan);
  const own = await timeMs(() => {
    const resolved = resolveOptions(plan, options);
    const names = airflowNames(tasks);
    const pods = podProfiles(plan, tasks, resolved);
    const rows = taskRows(plan, tasks, names, true, {
      startupSeconds: resolved.startupSeconds,
      profileOf: pods.indexOf,
    });
    return emitDagFile({
      options: resolved,
      planHash: digest,
      doc: "",
      groups: names.groups,
      rows,
      profiles: pods.profiles,
      unmapped: pods.unmapped,
      params: [],
    });
  }, 3);
  const text = compileAirflow(plan, options);
  rows.push({
    name: "10k nodes: emit (compileAirflow), plan hash not yet known",
    value: fmtMs(cold),
    target: "≤ 1 s",
  });
  rows.push({
    name: "10k nodes: emit, plan hash known (as after the CLI's compile)",
    value: fmtMs(warm),
    target: "≤ 1 s",
  });
  rows.push({
    name: "… planHash / groupTasks (core) / names, rows and text (adapter)",
    value: `${fmtMs(hash)} / ${fmtMs(group)} / ${fmtMs(own)}`,
  });
  rows.push({
    name: "10k nodes: file size",
    value: `${(text.length / 2 ** 20).toFixed(2)} MiB, ${text.split("\n").length} lines`,
  });

  const py = python();
  const notes = [
    "Plan: 10,000 nodes in 100 namespaces (TaskGroups); node i reads the outputs of nodes i-1 and i/2.",
    "The emitted file holds the tasks as one JSON string (implicitly concatenated literals, one line per task) and builds operators in a loop.",
  ];
  if (py) {
    const dir = mkdtempSync(join(tmpdir(), "pw-bench-airflow-"));
    try {
      writeFileSync(join(dir, "dag.py"), text);
      writeFileSync(join(dir, "naive.py"), naive(plan));
      const ours = parseMs(py, join(dir, "dag.py"), 5);
      const theirs = parseMs(py, join(dir, "naive.py"), 1);
      rows.push({
        name: "10k nodes: python3 ast.parse",
        value: fmtMs(ours),
        target: "≤ 1 s",
        peer: `statement per task: ${fmtMs(theirs)}`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    rows.push({
      name: "10k nodes: python3 ast.parse",
      value: "python3 not found",
      target: "≤ 1 s",
    });
  }
  return { title: "Airflow DAG file (airflow)", rows, notes };
}
