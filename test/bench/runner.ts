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
import type { BenchSection, ScoreRow } from "./types.ts";

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

/** Milliseconds of garbage collection (V8's own "gc" entries) since `gcClock.start()`. */
const gcClock = (() => {
  let ms = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) ms += e.duration;
  });
  return {
    start() {
      ms = 0;
      observer.observe({ entryTypes: ["gc"] });
    },
    async stop(): Promise<number> {
      // Entries reach the observer a macrotask later.
      await new Promise((resolve) => setTimeout(resolve, 0));
      observer.disconnect();
      return ms;
    },
  };
})();

interface Sample {
  wall: number;
  cpu: number;
  gc: number;
}

/** Wall, CPU (this process's, all threads) and GC time of one call, in ms. */
async function timed(f: () => Promise<unknown>): Promise<Sample> {
  const c = process.cpuUsage();
  gcClock.start();
  const t = performance.now();
  await f();
  const wall = performance.now() - t;
  const used = process.cpuUsage(c);
  return { wall, cpu: (used.user + used.system) / 1000, gc: await gcClock.stop() };
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
): Promise<Sample> {
  for (let i = 0; i < warmup; i++) {
    prepare?.();
    await f();
  }
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    prepare?.();
    samples.push(await timed(f));
  }
  samples.sort((a, b) => a.wall - b.wall);
  return samples[Math.floor(runs / 2)]!;
}

const perNode = (ms: number, n: number) => ((ms * 1000) / n).toFixed(1);
const TARGET_US = 20;
/** Most the 100k per-node figure may exceed the 10k one by and still be called linear. */
const LINEAR = 1.2;

/** Issue #12's row for the runner's per-node overhead, from the three sizes' medians. */
function overheadRow(off: Map<number, Sample>, heapMb: number): ScoreRow {
  const us = (n: number, what: "wall" | "cpu" | "gc") => (off.get(n)![what] * 1000) / n;
  const sizes = [...off.keys()];
  const ratio = us(100_000, "wall") / us(10_000, "wall");
  const over = sizes.filter((n) => us(n, "wall") > TARGET_US);
  const figures = (what: "wall" | "cpu" | "gc") =>
    sizes.map((n) => us(n, what).toFixed(1)).join(" / ");
  const bound = [
    over.length > 0 &&
      `${over.map((n) => `${n / 1000}k`).join(", ")} over ${TARGET_US} µs/node wall; CPU ${figures("cpu")} µs/node`,
    ratio > LINEAR && `100k/10k ${ratio.toFixed(2)}× (> ${LINEAR}×)`,
  ]
    .filter(Boolean)
    .join("; ");
  return {
    issue: "#12",
    order: 4,
    figure: "1k trivial nodes, in-memory run",
    peer: "Kedro 1.5: 1.52 s (1.52 ms/node)",
    result: `1k / 10k / 100k: ${figures("wall")} µs/node wall (100k/10k ${ratio.toFixed(2)}×)`,
    target: `≤ ${TARGET_US} µs/node, linear to 100k`,
    met: bound === "",
    // What grows with the plan is GC (measured) and writing the run record (profiled).
    ...(bound !== "" && {
      bound: `${bound}. GC ${figures("gc")} µs/node, nearly all scavenges: a run's records, hashes and values live to its end, so scavenges copy and promote them, at a higher cost per node beside the caller's pipeline and plan (${heapMb.toFixed(0)} MB of heap in use before the 100k runs); the run record (~330 bytes of JSON a node) is written a thousand nodes at a time, so it grows with the run, not faster (see the runner section's notes)`,
    }),
  };
}

export async function bench(): Promise<BenchSection> {
  const rows: BenchSection["rows"] = [];
  const off = new Map<number, Sample>();
  /** Heap in use once the largest DAG is built and compiled (the last size's). */
  let heapMb = 0;
  let cacheRow: ScoreRow | undefined;
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
      heapMb = process.memoryUsage().heapUsed / 1e6;
      const m = await median(
        () =>
          runPipeline({ root, plan, pipeline: p, store: new DataStore({ root }), cache: false }),
        samples,
        warmup,
      );
      off.set(n, m);
      rows.push({
        name: `${n / 1000}k trivial in-memory nodes, cache off`,
        value: `${perNode(m.wall, n)} µs/node wall, ${perNode(m.cpu, n)} µs/node CPU, ${perNode(m.gc, n)} µs/node GC`,
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
      const met = first.wall <= 2000 && again.wall <= 300;
      cacheRow = {
        issue: "#12",
        order: 7,
        figure: "10k nodes, cache on: first run / fully cached rerun",
        result: `${first.wall.toFixed(0)} ms / ${again.wall.toFixed(0)} ms wall`,
        target: "≤ 2 s / ≤ 0.3 s",
        met,
        ...(!met && {
          bound: `CPU ${first.cpu.toFixed(0)} ms / ${again.cpu.toFixed(0)} ms, GC ${first.gc.toFixed(0)} ms / ${again.gc.toFixed(0)} ms of those runs`,
        }),
      };
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return {
    title: "Runner (@pipewright/runner)",
    rows,
    scoreboard: [overheadRow(off, heapMb), ...(cacheRow ? [cacheRow] : [])],
    notes: [
      `Every row runs the layered DAG of Kedro's figure: layers of ${WIDTH} trivial nodes, each reading two in-memory datasets of the layer before; times are runPipeline end to end in this process (output validation, hashing, scheduling, the run record written), compile excluded.`,
      "Medians: 1k of 7 runs after 3 warm-up runs, 10k of 5 after 1, 100k of 3 after 1. The first-run row deletes the store before each of 3 runs (after 1 warm-up); the cached row re-runs on the store the last of them left.",
      "The cache store is a local temp folder, so reads come from the OS page cache (nothing is fsynced, as in a real run); CPU is this process's user + system time, wall can be well above it on a busy shared machine.",
      "Where the per-node time goes (CPU profiles of 10 runs at 10k and 2 at 100k, shared machine): per node, GC 2.9 → 4.6 µs (scavenges promoting the run's records, hashes and values into a heap that holds ~0.5 GB of the caller's pipeline and plan at 100k) and writing the run record (JSON of ~330 bytes a node, 3.3 / 33 MB): 0.5 → 2.5 µs while it was one string and one buffer, flat at ~1.5 µs since it is written a thousand nodes at a time (core's writeFileAtomicParts; a 10k and a 100k profile of this round); the node's own bookkeeping (processNode + execute) is flat at ~2.5 µs, as are validation, encoding and hashing outputs and the key. A node reaches its datasets, function and schemas by plan position (slots built once per plan index, bound once per pipeline), and a run keeps hashes, records and its own in-memory values in arrays by position: on a 100k-node plan every lookup in a Map of 100k ids was a cache miss (0.29 µs in isolation, 0.02 at 1k), ~17 of them a node. A record's dataset-keyed objects (inputs, outputs) start in V8's dictionary mode: as ordinary {} literals, each of their 100k distinct keys added a hidden class to one transition tree (~1.5 µs a key).",
      "--parallel is measured through the installed CLI in the CLI section (test/bench/installed.ts), cold, as a user runs it.",
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await bench();
  console.log(s.title);
  for (const r of s.rows)
    console.log(`  ${r.name}: ${r.value}${r.target ? `  (target ${r.target})` : ""}`);
  for (const r of s.scoreboard ?? [])
    console.log(`  ${r.issue} ${r.figure}: ${r.result} ${r.met ? "met" : `missed: ${r.bound}`}`);
}
