import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import {
  compile,
  type Dataset,
  dataset,
  type Node,
  node,
  type Pipeline,
  pipeline,
} from "../../packages/core/src/index.ts";
import { DataStore } from "../../packages/io/src/index.ts";
import { runPipeline } from "../../packages/runner/src/index.ts";
import type { BenchSection } from "./types.ts";

const WIDTH = 100;

/**
 * The layered DAG of Kedro's figure: layers of WIDTH trivial nodes, each reading two
 * datasets of the layer before (its own column and the next one, wrapping around). The
 * shape of compile.ts's `layered`, but runnable: its first layer reads free inputs and its
 * nodes concatenate arrays that double with every layer.
 */
export function layered(n: number): Pipeline {
  const nodes: Node[] = [];
  let previous: Dataset<number>[] = [];
  // Bounded, so the numbers stay finite (and valid) however deep the DAG.
  const add = ({ a, b }: { a: number; b: number }) => ({ y: (a + b) % 997 });
  for (let layer = 0; layer * WIDTH < n; layer++) {
    const current: Dataset<number>[] = [];
    for (let i = 0; i < WIDTH && layer * WIDTH + i < n; i++) {
      const y = dataset(`d${layer}_${i}`, z.number());
      current.push(y);
      const name = `n${layer}_${i}`;
      if (layer === 0) nodes.push(node({ name, outputs: { y }, run: () => ({ y: i }) }));
      else {
        const a = previous[i % previous.length]!;
        const b = previous[(i + 1) % previous.length]!;
        nodes.push(node({ name, inputs: { a, b }, outputs: { y }, run: add }));
      }
    }
    previous = current;
  }
  return pipeline(nodes);
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

/**
 * Median wall time and CPU time of `runs` runs, after `warmup` runs (the JIT's, not
 * ours). `prepare` runs before each, untimed.
 */
async function median(
  f: () => Promise<unknown>,
  runs: number,
  warmup = 1,
  prepare?: () => void,
): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < warmup; i++) {
    prepare?.();
    await f();
  }
  const samples: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < runs; i++) {
    prepare?.();
    const cpu = { ms: 0 };
    const wall = await timed(f, cpu);
    samples.push({ wall, cpu: cpu.ms });
  }
  samples.sort((a, b) => a.wall - b.wall);
  return samples[Math.floor(runs / 2)]!;
}

const perNode = (ms: number, n: number) => ((ms * 1000) / n).toFixed(1);

export async function bench(): Promise<BenchSection> {
  const rows: BenchSection["rows"] = [];
  const root = mkdtempSync(join(tmpdir(), "pw-bench-runner-"));
  try {
    // Size -> [timed runs, warm-up runs].
    const sizes: [number, number, number][] = [
      [1_000, 7, 3],
      [10_000, 5, 1],
      [100_000, 3, 1],
    ];
    for (const [n, samples, warmup] of sizes) {
      const p = layered(n);
      const plan = compile(p, { root });
      const off = await median(
        () =>
          runPipeline({ root, plan, pipeline: p, store: new DataStore({ root }), cache: false }),
        samples,
        warmup,
      );
      rows.push({
        name: `${n / 1000}k trivial in-memory nodes, cache off`,
        value: `${perNode(off.wall, n)} µs/node wall, ${perNode(off.cpu, n)} µs/node CPU`,
        target: n === 100_000 ? "≤ 20 µs/node, linear to 100k" : "≤ 20 µs/node",
        peer: n === 1_000 ? "Kedro 1.5 SequentialRunner: 1.52 s per 1k nodes (1.52 ms/node)" : "",
      });
      if (n !== 10_000) continue;
      const cacheDir = join(root, "cache");
      const fresh = () => rmSync(cacheDir, { recursive: true, force: true });
      const cached = () =>
        runPipeline({ root, plan, pipeline: p, store: new DataStore({ root }), cacheDir });
      const first = await median(cached, 3, 1, fresh);
      rows.push({
        name: "10k nodes, cache on, first run (empty store: stores every entry and blob)",
        value: `${first.wall.toFixed(0)} ms wall, ${first.cpu.toFixed(0)} ms CPU`,
        target: "≤ 2 s",
      });
      const again = await median(cached, 5, 1);
      rows.push({
        name: "10k nodes, re-run with everything cached",
        value: `${again.wall.toFixed(0)} ms wall, ${again.cpu.toFixed(0)} ms CPU`,
        target: "≤ 0.3 s",
      });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return {
    title: "Runner (@pipewright/runner)",
    rows,
    notes: [
      `Every row runs the layered DAG of Kedro's figure: layers of ${WIDTH} trivial nodes, each reading two in-memory datasets of the layer before; times are runPipeline end to end in this process (output validation, hashing, scheduling, the run record written), compile excluded.`,
      "Medians: 1k of 7 runs after 3 warm-up runs, 10k of 5 after 1, 100k of 3 after 1. The first-run row deletes the store before each of 3 runs (after 1 warm-up); the cached row re-runs on the store the last of them left.",
      "The cache store is a local temp folder, so reads come from the OS page cache (nothing is fsynced, as in a real run); CPU is this process's user + system time, wall can be well above it on a busy shared machine.",
      "--parallel is measured through the installed CLI in the CLI section (test/bench/installed.ts), cold, as a user runs it.",
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await bench();
  console.log(s.title);
  for (const r of s.rows)
    console.log(`  ${r.name}: ${r.value}${r.target ? `  (target ${r.target})` : ""}`);
}
