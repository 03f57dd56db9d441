import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import { compile, dataset, node, type Pipeline, pipeline } from "../../packages/core/src/index.ts";
import { DataStore } from "../../packages/io/src/index.ts";
import { closeWorkers, runPipeline } from "../../packages/runner/src/index.ts";
import { cpuPipeline, spin } from "../../packages/runner/test/fixtures/cpu-pipeline.ts";
import type { BenchSection } from "./types.ts";

/** A chain of n trivial nodes: node i adds one to node i-1's number. */
function chain(n: number): Pipeline {
  const ds = Array.from({ length: n }, (_, i) => dataset(`d${i}`, z.number()));
  const add = ({ x }: { x: number }) => ({ y: x + 1 });
  const nodes = [node({ name: "n0", outputs: { y: ds[0]! }, run: () => ({ y: 0 }) })];
  for (let i = 1; i < n; i++)
    nodes.push(
      node({ name: `n${i}`, inputs: { x: ds[i - 1]! }, outputs: { y: ds[i]! }, run: add }),
    );
  return pipeline(nodes);
}

/**
 * What two threads can gain right now on this machine, without pipewright: other
 * processes on a shared 2-core machine can leave much less than a second core.
 */
async function bareThreadsCeiling(iterations: number): Promise<number> {
  const code = `const { parentPort } = require("node:worker_threads");
    ${spin.toString()}
    parentPort.on("message", (n) => parentPort.postMessage(spin(n, 1)));`;
  const workers = [new Worker(code, { eval: true }), new Worker(code, { eval: true })];
  const go = (w: Worker, n: number) =>
    new Promise((r) => {
      w.once("message", r);
      w.postMessage(n);
    });
  try {
    await Promise.all(workers.map((w) => go(w, iterations / 10)));
    const one = await timed(async () => {
      await go(workers[0]!, iterations);
      await go(workers[0]!, iterations);
    });
    const two = await timed(() => Promise.all(workers.map((w) => go(w, iterations))));
    return one / two;
  } finally {
    for (const w of workers) await w.terminate();
  }
}

/** Wall time in ms; `cpu` gets this process's CPU time (all threads) in ms. */
async function timed(f: () => Promise<unknown>, cpu?: { ms: number }): Promise<number> {
  const c = process.cpuUsage();
  const t = performance.now();
  await f();
  const wall = performance.now() - t;
  const used = process.cpuUsage(c);
  if (cpu) cpu.ms = (used.user + used.system) / 1000;
  return wall;
}

/** Median wall time and CPU time of `runs` runs, after `warmup` runs (the JIT's, not ours). */
async function median(
  f: () => Promise<unknown>,
  runs: number,
  warmup = 1,
): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < warmup; i++) await f();
  const samples: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = { ms: 0 };
    const wall = await timed(f, cpu);
    samples.push({ wall, cpu: cpu.ms });
  }
  samples.sort((a, b) => a.wall - b.wall);
  return samples[Math.floor(runs / 2)]!;
}

function project(): string {
  return mkdtempSync(join(tmpdir(), "pw-bench-runner-"));
}

export async function bench(): Promise<BenchSection> {
  const rows: BenchSection["rows"] = [];
  const notes: string[] = [];
  const roots: string[] = [];
  try {
    for (const n of [1_000, 10_000]) {
      const root = project();
      roots.push(root);
      const p = chain(n);
      const plan = compile(p, { root });
      const off = await median(
        () =>
          runPipeline({ root, plan, pipeline: p, store: new DataStore({ root }), cache: false }),
        n === 1000 ? 7 : 3,
        n === 1000 ? 3 : 1,
      );
      rows.push({
        name: `${n / 1000}k trivial in-memory nodes, cache off`,
        value: `${((off.wall * 1000) / n).toFixed(1)} µs/node wall, ${((off.cpu * 1000) / n).toFixed(1)} µs/node CPU`,
        target: "≤ 50 µs/node",
        peer: n === 1000 ? "Kedro 1.5 SequentialRunner ≈ 2 ms/node" : "",
      });
      if (n === 10_000) {
        const first = await timed(() =>
          runPipeline({ root, plan, pipeline: p, store: new DataStore({ root }) }),
        );
        rows.push({
          name: "10k nodes, cache on, first run (writes every entry and blob)",
          value: `${first.toFixed(0)} ms`,
        });
        const again = await median(
          () => runPipeline({ root, plan, pipeline: p, store: new DataStore({ root }) }),
          3,
          0,
        );
        rows.push({
          name: "10k nodes, re-run with everything cached (median of 3)",
          value: `${again.wall.toFixed(0)} ms wall, ${again.cpu.toFixed(0)} ms CPU`,
          target: "≤ 1 s",
        });
      }
    }

    // Calibrate the busy loop to ~0.5 s per node on this machine.
    const probe = 20_000_000;
    spin(probe, 1); // warm up the JIT before timing
    const t = performance.now();
    spin(probe, 1);
    const iterations = Math.round((probe * 500) / (performance.now() - t));
    const module = fileURLToPath(
      new URL("../../packages/runner/test/fixtures/cpu-pipeline.ts", import.meta.url),
    );
    const cpu = cpuPipeline(8);
    const seqRoot = project();
    roots.push(seqRoot);
    const plan = compile(cpu, { root: seqRoot, params: { iterations } });
    const seq = await timed(() =>
      runPipeline({
        root: seqRoot,
        plan,
        pipeline: cpu,
        store: new DataStore({ root: seqRoot }),
        cache: false,
      }),
    );
    const parCpu = { ms: 0 };
    const par = await timed(
      () =>
        runPipeline({
          root: seqRoot,
          plan,
          pipeline: cpu,
          store: new DataStore({ root: seqRoot }),
          cache: false,
          parallel: 2,
          worker: { module, pipeline: "cpu" },
        }),
      parCpu,
    );
    rows.push({
      name: "8 CPU-bound nodes (~0.5 s each), sequential",
      value: `${(seq / 1000).toFixed(2)} s`,
    });
    rows.push({
      name: "the same, parallel 2 (worker threads)",
      value: `${(par / 1000).toFixed(2)} s, ${(parCpu.ms / par).toFixed(2)} cores busy on average`,
    });
    rows.push({
      name: "speed-up, parallel 2 vs sequential",
      value: `${(seq / par).toFixed(2)}×`,
      target: "≥ 1.8×",
    });
    const ceiling = await bareThreadsCeiling(iterations);
    rows.push({
      name: "ceiling on this machine now: the same busy loop in 2 bare threads vs 1",
      value: `${ceiling.toFixed(2)}×`,
    });
    // Threads kept from an earlier run (worker.keep): the figure without the boot cost.
    const keep = { module, pipeline: "cpu", keep: true };
    const runKept = () =>
      runPipeline({
        root: seqRoot,
        plan,
        pipeline: cpu,
        store: new DataStore({ root: seqRoot }),
        cache: false,
        parallel: 2,
        worker: keep,
      });
    await runKept();
    const warm = await timed(runKept);
    await closeWorkers();
    rows.push({
      name: "the same with warm threads (worker.keep, second run)",
      value: `${(warm / 1000).toFixed(2)} s, ${(seq / warm).toFixed(2)}× sequential`,
      target: "≥ 1.8×",
    });
    notes.push(
      "Trivial nodes form a chain (node i reads node i-1's number); times include output validation, hashing and the run record. Medians of 7 (1k) and 3 (10k) runs after warm-up runs.",
    );
    notes.push(
      "Parallel time includes starting two worker threads, each registering tsx and importing the pipeline module (zod, @pipewright/core) before its first node.",
    );
    notes.push(
      "CPU is this process's CPU time over all its threads; on a busy shared machine wall time can be several times the CPU time.",
    );
  } finally {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  }
  return { title: "Runner (@pipewright/runner)", rows, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await bench();
  console.log(s.title);
  for (const r of s.rows)
    console.log(`  ${r.name}: ${r.value}${r.target ? `  (target ${r.target})` : ""}`);
}
