// Compile benchmark (issues #2 and #12): the layered DAG of Kedro's measurement (width 100,
// every node reading two datasets of the previous layer), written as users write a project
// (support/layered-project.ts: one module per layer, a distinct zod schema per dataset, nodes
// in pipeline factories) and loaded by the CLI's own loader in a fresh process per sample
// (support/compile-process.ts), as `pipewright compile` runs. Kedro 1.5's figures are quoted
// from issue #12 (best of 6, Kedro 1.5.0, Python 3.11, a quiet machine of this kind): Kedro
// is not installable here.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stateDir } from "../../packages/core/src/index.ts";
import { fn, inclusiveMs, profileWith } from "./support/cpu-profile.ts";
import { type LayeredProject, middleNode, writeLayeredProject } from "./support/layered-project.ts";
import { type BenchSection, fmtMs } from "./types.ts";

const repo = join(import.meta.dirname, "..", "..");
const CHILD = join(import.meta.dirname, "support", "compile-process.ts");
const KEDRO = { declareAndBuild: 227, pipeline: 105, fromNodes: 117, toNodes: 95 };

interface Sample {
  imports: number;
  declare: number;
  compile: number;
  from: number;
  to: number;
}

function sample(dir: string, spec: LayeredProject, nodeFlags: string[] = []): Sample {
  const r = spawnSync(
    process.execPath,
    [...nodeFlags, "--import", "tsx", CHILD, dir, middleNode(spec)],
    { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`compile-process failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Sample;
}

/** Where declare and compile spend their time: one more warm sample, under V8's profiler. */
interface Split {
  node: number;
  callerSite: number;
  capture: number;
  sourceMaps: number;
  compile: number;
  schemas: number;
  planNodes: number;
  structure: number;
  index: number;
}

function profiled(dir: string, spec: LayeredProject): Split {
  const out = mkdtempSync(join(tmpdir(), "pw-bench-prof-"));
  try {
    sample(dir, spec, ["--cpu-prof", `--cpu-prof-dir=${out}`, "--cpu-prof-interval=200"]);
    return inclusiveMs(profileWith(out, "planNode"), {
      node: fn("node", "/authoring/node.ts"),
      callerSite: fn("callerSite", "/authoring/location.ts"),
      capture: fn("capture", "/authoring/location.ts"),
      sourceMaps: (f) => f.functionName === "findSourceMap",
      compile: fn("compile", "/compile/compile.ts"),
      schemas: fn("schemaInfo", "/compile/schemas.ts"),
      planNodes: fn("planNode", "/compile/compile.ts"),
      structure: fn("structuralIssues", "/compile/validate.ts"),
      index: fn("get index", "/authoring/pipeline.ts"),
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Median of each measure over `runs` fresh processes; `cold` deletes the fingerprint state first. */
function medians(dir: string, spec: LayeredProject, runs: number, cold: boolean): Sample {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    if (cold) {
      rmSync(join(stateDir(dir), "fingerprints.json"), { force: true });
      rmSync(join(dir, ".pipewright", "fingerprints.json"), { force: true });
    }
    samples.push(sample(dir, spec));
  }
  const median = (k: keyof Sample) =>
    samples.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  return {
    imports: median("imports"),
    declare: median("declare"),
    compile: median("compile"),
    from: median("from"),
    to: median("to"),
  };
}

export async function bench(): Promise<BenchSection> {
  const rows: BenchSection["rows"] = [];
  const warmCompile: Record<number, number> = {};
  let at10k: Sample | undefined;
  let split: Split | undefined;
  for (const count of [10_000, 100_000]) {
    const spec: LayeredProject = { modules: count / 100, perModule: 100 };
    const dir = join(repo, ".tmp", `bench-compile-${count / 1000}k`);
    writeLayeredProject(dir, spec);
    // Files written just now are "racily clean" for two seconds; wait as an editor's user would.
    await new Promise((r) => setTimeout(r, 2100));
    const runs = count >= 100_000 ? 3 : 5;
    sample(dir, spec); // tsx's transform cache filled, the fingerprint state written
    const cold = medians(dir, spec, count >= 100_000 ? 1 : 3, true);
    sample(dir, spec); // the state written again after the cold runs
    const warm = medians(dir, spec, runs, false);
    warmCompile[count] = warm.compile;
    if (count === 10_000) {
      at10k = warm;
      split = profiled(dir, spec);
    }
    const is10k = count === 10_000;
    const label = `${count / 1000}k nodes`;
    rows.push(
      {
        name: `${label}: load the project's ${spec.modules + 2} modules (datasets and schemas declared)`,
        value: fmtMs(warm.imports),
      },
      {
        name: `${label}: declare (the pipeline factory: node() × ${count})`,
        value: fmtMs(warm.declare),
      },
      {
        name: `${label}: compile, warm (fingerprint state from .pipewright)`,
        value: fmtMs(warm.compile),
        target: is10k ? `≤ ${fmtMs(KEDRO.pipeline / 3)}` : "",
        peer: is10k ? `Kedro 1.5 \`Pipeline()\`: ${KEDRO.pipeline} ms` : "",
      },
      { name: `${label}: compile, cold (no fingerprint state)`, value: fmtMs(cold.compile) },
      {
        name: `${label}: declare + compile, warm`,
        value: fmtMs(warm.declare + warm.compile),
        target: is10k ? `≤ ${fmtMs(KEDRO.declareAndBuild / 3)}` : "",
        peer: is10k ? `Kedro 1.5 declare + build: ${KEDRO.declareAndBuild} ms` : "",
      },
      {
        name: `${label}: .from() / .to() (middle node)`,
        value: `${fmtMs(warm.from)} / ${fmtMs(warm.to)}`,
        target: is10k ? `≤ ${fmtMs(KEDRO.fromNodes / 10)} / ${fmtMs(KEDRO.toNodes / 10)}` : "",
        peer: is10k ? `Kedro 1.5: ${KEDRO.fromNodes} / ${KEDRO.toNodes} ms` : "",
      },
    );
    rmSync(dir, { recursive: true, force: true });
  }
  const ratio = warmCompile[100_000]! / warmCompile[10_000]!;
  rows.push({ name: "compile 100k / 10k (warm)", value: `${ratio.toFixed(1)}×`, target: "≤ 11×" });
  const w = at10k!;
  const p = split!;
  const share = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;
  const vsKedro = (ms: number, kedro: number) => `${fmtMs(ms)} = ${(ms / kedro).toFixed(2)}× Kedro`;
  return {
    title: "Compile (core)",
    rows,
    scoreboard: [
      {
        issue: "#12",
        order: 1,
        figure: "10k nodes: declare + compile (Kedro: declare + build/validate)",
        peer: `Kedro 1.5: ${KEDRO.declareAndBuild} ms`,
        result: vsKedro(w.declare + w.compile, KEDRO.declareAndBuild),
        target: "≤ 1/3 of Kedro",
        met: w.declare + w.compile <= KEDRO.declareAndBuild / 3,
        bound: `declare is ${fmtMs(w.declare)}. In a CPU profile of one more 10k sample (this run; the profiler slows it, so shares, not its times), node()'s definition site, recorded for the code fingerprint, is ${share(p.callerSite, p.node)} of node() (≈ ${fmtMs(w.declare * (p.callerSite / p.node))} of the median), V8 taking the stack (its call sites for the frames above node()) ${share(p.capture, p.node)} (≈ ${fmtMs(w.declare * (p.capture / p.node))}), and Node parsing each module's source map once, to name the .ts line, ${share(p.sourceMaps, p.node)} (≈ ${fmtMs(w.declare * (p.sourceMaps / p.node))}): Node's parser decodes every mapping of a module, and no public API gives the map without it; work Kedro does not do; compile as in the next row`,
      },
      {
        issue: "#12",
        order: 2,
        figure: "10k nodes: compile (Kedro: `Pipeline()`)",
        peer: `Kedro 1.5: ${KEDRO.pipeline} ms`,
        result: vsKedro(w.compile, KEDRO.pipeline),
        target: "≤ 1/3 of Kedro",
        met: w.compile <= KEDRO.pipeline / 3,
        bound: `in a CPU profile of one more 10k sample (this run; shares of compile's samples, GC apart), exporting each of the 10,100 distinct zod schemas to JSON Schema and hashing it is ${share(p.schemas, p.compile)} (≈ ${fmtMs(w.compile * (p.schemas / p.compile))} of the median; plain schemas skip z.toJSONSchema: a direct writer, checked against zod on 3,000 random schemas), each node's plan entry and cache key ${share(p.planNodes, p.compile)}, structural validation ${share(p.structure, p.compile)} (the pipeline's index ${share(p.index, p.compile)}); Kedro's \`Pipeline()\` does no schema work and no hashing, and the schema export alone is ≈ ${((w.compile * (p.schemas / p.compile)) / (KEDRO.pipeline / 3)).toFixed(1)}× the target`,
      },
      {
        issue: "#12",
        order: 3,
        figure: "10k nodes: `.from()` / `.to()` (Kedro: `from_nodes` / `to_nodes`)",
        peer: `Kedro 1.5: ${KEDRO.fromNodes} / ${KEDRO.toNodes} ms`,
        result: `${fmtMs(w.from)} / ${fmtMs(w.to)} = 1/${Math.round(KEDRO.fromNodes / w.from)} / 1/${Math.round(KEDRO.toNodes / w.to)}`,
        target: "≤ 1/10 of Kedro",
        met: w.from <= KEDRO.fromNodes / 10 && w.to <= KEDRO.toNodes / 10,
      },
      {
        issue: "#12",
        order: 3.1,
        figure: "compile 100k / 10k (linear)",
        result: `${ratio.toFixed(1)}×`,
        target: "≤ 11×",
        met: ratio <= 11,
        bound: `no quadratic part is left in the 100k profile (the module-graph closure per definition stack was, until now); the rest is garbage collection over a heap ten times larger, and sorting ids and schema hashes (n log n)`,
      },
    ],
    notes: [
      "Layered DAG of width 100, every node reading two datasets of the previous layer, as in issue #12; one module per layer (100 for 10k nodes, 1000 for 100k) declaring its datasets at module level, each with its own zod schema, and its nodes in a pipeline factory, loaded lazily by pipewright.config.ts.",
      "Every figure is the median over fresh processes (5 at 10k, 3 at 100k; cold: 3 and 1), each loading the project with the CLI's loader (tsx here, as pipewright is linked as source) and compiling with the CLI's options, as `pipewright compile` does. load: importing the modules (tsx's transform cache warm); declare: calling the pipeline factory; compile: `compile()`, warm when .pipewright/fingerprints.json is there (a second CLI invocation), cold when it is not (esbuild builds the module graph and hashes every module). declare + compile adds the two medians.",
      "`.from()` / `.to()`: the median of 7 calls in the same process on the declared pipeline, from / to the middle node (half the DAG each).",
      "Kedro's figures are quoted from issue #12, measured with Kedro 1.5.0 on Python 3.11 on a quiet machine of this kind (Kedro is not installable here); targets: compile ≤ 1/3 of Kedro's `Pipeline()`, declare + compile ≤ 1/3 of Kedro's declare + build, filters ≤ 1/10 of Kedro's.",
    ],
  };
}
