import { compile, type Dataset, dataset, type Node, node, param, pipeline } from "@pipewright/core";
import { DataStore } from "@pipewright/io";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { random } from "../../../test/support/random.ts";
import { type RunOptions, type RunRecord, runNodes, runPipeline } from "../src/index.ts";
import { tempProject } from "./helpers.ts";

// The runner finds a node's datasets, function and schemas by plan position (slots in
// plan-index.ts, bound once per plan and pipeline) and keeps a run's hashes, records and
// values in arrays by position (IdMap). A wrong position there gives a node another
// node's input or function without any error, so these properties compare every value
// and record with a plain evaluation of the same random DAG.

interface Spec {
  name: string;
  /** Input key -> dataset name, in declaration order (keys not sorted, some reused names). */
  inputs: [string, string][];
  outputs: string[];
  usesK: boolean;
}

const num = z.number();
const M = 1_000_003;

/** The value of output `m` of a node, from its inputs (by key), its salt and k. */
function compute(spec: Spec, salt: number, k: number, values: Record<string, unknown>, m: number) {
  let s = salt + (spec.usesK ? k : 0);
  for (const key of Object.keys(values).sort())
    if (key !== "k") s = (s * 31 + Number(values[key])) % M;
  return (s * 7 + m) % M;
}

function randomSpecs(seed: number, n: number): Spec[] {
  const rnd = random(seed);
  const produced: string[] = [];
  const specs: Spec[] = [];
  for (let i = 0; i < n; i++) {
    const inputs: [string, string][] = [];
    const count = i === 0 ? 0 : Math.floor(rnd() * 4);
    const used = new Set<string>();
    for (let j = 0; j < count; j++) {
      const ds = produced[Math.floor(rnd() * produced.length)]!;
      if (used.has(ds)) continue;
      used.add(ds);
      inputs.push([`${"zyxab"[Math.floor(rnd() * 5)]}${j}`, ds]);
    }
    const outputs = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, m) => `d${i}_${m}`);
    produced.push(...outputs);
    specs.push({ name: `n${i}`, inputs, outputs, usesK: rnd() < 0.3 });
  }
  return specs;
}

/** The pipeline of `specs`; node i adds `salt(i)`, and throws when `fails` says so. */
function build(specs: Spec[], salt: (i: number) => number, fails?: Set<string>) {
  const datasets = new Map<string, Dataset<number>>();
  const ds = (name: string) => {
    let d = datasets.get(name);
    if (!d) {
      d = dataset(name, num);
      datasets.set(name, d);
    }
    return d;
  };
  const k = param("k", num);
  const nodes: Node[] = specs.map((spec, i) => {
    const inputs: Record<string, unknown> = {};
    for (const [key, name] of spec.inputs) inputs[key] = ds(name);
    if (spec.usesK) inputs.k = k;
    const outputs: Record<string, unknown> = {};
    spec.outputs.forEach((name, m) => {
      outputs[`out${m}`] = ds(name);
    });
    const run = (values: Record<string, unknown>) => {
      if (fails?.has(spec.name)) throw new Error(`${spec.name} fails`);
      const out: Record<string, number> = {};
      spec.outputs.forEach((_, m) => {
        out[`out${m}`] = compute(spec, salt(i), Number(values.k ?? 0), values, m);
      });
      return out;
    };
    return node({
      name: spec.name,
      inputs: inputs as never,
      outputs: outputs as never,
      run: run as never,
    });
  });
  return pipeline(nodes);
}

/** Every dataset's value by plain evaluation, in declaration order (a topological one). */
function reference(specs: Spec[], salt: (i: number) => number, k: number): Map<string, number> {
  const values = new Map<string, number>();
  specs.forEach((spec, i) => {
    const given: Record<string, unknown> = {};
    for (const [key, name] of spec.inputs) given[key] = values.get(name);
    spec.outputs.forEach((name, m) => {
      values.set(name, compute(spec, salt(i), k, given, m));
    });
  });
  return values;
}

/** Runs and collects every node's outputs (by dataset) through the afterNode hook. */
async function collect(
  run: (hooks: RunOptions["hooks"]) => Promise<RunRecord>,
): Promise<{ record: RunRecord; seen: Map<string, unknown> }> {
  const seen = new Map<string, unknown>();
  const record = await run({
    afterNode: ({ node: n, outputs }) => {
      for (const [key, id] of Object.entries(n.outputs)) seen.set(id, outputs[key]);
    },
  });
  return { record, seen };
}

/** Each node's inputs in its record are the hashes its producers recorded for them. */
function expectConsistent(record: RunRecord, specs: Spec[]): void {
  const hashOf = new Map<string, string>();
  for (const r of record.nodes) for (const [id, h] of Object.entries(r.outputs)) hashOf.set(id, h);
  const byName = new Map(record.nodes.map((r) => [r.name, r]));
  for (const spec of specs) {
    const r = byName.get(spec.name);
    if (r?.status !== "ran") continue;
    expect(Object.keys(r.outputs).sort()).toEqual([...spec.outputs].sort());
    const want = Object.fromEntries(spec.inputs.map(([, name]) => [name, hashOf.get(name)]));
    expect(r.inputs).toEqual(want);
    expect(Object.getPrototypeOf(r.inputs)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(r.outputs)).toBe(Object.prototype);
  }
}

const SEEDS = Array.from({ length: 12 }, (_, i) => 101 + i);

describe("the runner's per-position bookkeeping, on random in-memory DAGs", () => {
  it.each(SEEDS)(
    "gives every node its own inputs, function and outputs (seed %i)",
    async (seed) => {
      const root = tempProject();
      const specs = randomSpecs(seed, 30 + (seed % 4) * 10);
      const salt = (i: number) => (seed * 13 + i * 101) % 997;
      const p = build(specs, salt);
      const plan = compile(p, { root, params: { k: 3 } });
      const want = reference(specs, salt, 3);
      const store = () => new DataStore({ root });

      // The run's own values (no `memory` given), sequential.
      const a = await collect((hooks) =>
        runPipeline({
          root,
          plan,
          pipeline: p,
          store: store(),
          cache: false,
          ...(hooks && { hooks }),
        }),
      );
      expect(a.record.status).toBe("succeeded");
      expect(Object.fromEntries(a.seen)).toEqual(Object.fromEntries(want));
      expectConsistent(a.record, specs);

      // The caller's Map, in parallel, no hooks: same values and the same records.
      const memory = new Map<string, unknown>();
      const b = await runPipeline({
        root,
        plan,
        pipeline: p,
        store: store(),
        cache: false,
        memory,
        parallel: 3,
      });
      expect(Object.fromEntries(memory)).toEqual(Object.fromEntries(want));
      const keyed = (r: RunRecord) =>
        r.nodes.map(({ name, status, cacheKey, inputs, outputs }) => ({
          name,
          status,
          cacheKey,
          inputs,
          outputs,
        }));
      expect(keyed(b)).toEqual(keyed(a.record));

      // The same plan object with another pipeline: its own functions, not the first one's.
      const salt2 = (i: number) => salt(i) + 1;
      const q = build(specs, salt2);
      const c = await collect((hooks) =>
        runPipeline({
          root,
          plan,
          pipeline: q,
          store: store(),
          cache: false,
          ...(hooks && { hooks }),
        }),
      );
      expect(Object.fromEntries(c.seen)).toEqual(Object.fromEntries(reference(specs, salt2, 3)));
      expectConsistent(c.record, specs);
    },
  );

  it.each(SEEDS.slice(0, 6))(
    "skips exactly what depends on a failure, by position (seed %i)",
    async (seed) => {
      const root = tempProject();
      const specs = randomSpecs(seed, 40);
      const salt = (i: number) => i;
      const rnd = random(seed + 1);
      const fails = new Set(specs.filter(() => rnd() < 0.1).map((s) => s.name));
      fails.add(specs[Math.floor(specs.length / 2)]!.name);
      const p = build(specs, salt, fails);
      const plan = compile(p, { root, params: { k: 3 } });
      const record = await runPipeline({
        root,
        plan,
        pipeline: p,
        store: new DataStore({ root }),
        cache: false,
        keepGoing: true,
      });
      // A node is skipped when an input comes from a failed or skipped node.
      const producer = new Map<string, string>();
      for (const s of specs) for (const o of s.outputs) producer.set(o, s.name);
      const expected = new Map<string, string>();
      for (const s of specs) {
        const blocked = s.inputs.some(([, d]) => expected.get(producer.get(d)!) !== "ran");
        expected.set(
          s.name,
          fails.has(s.name) && !blocked ? "failed" : blocked ? "skipped" : "ran",
        );
      }
      expect(Object.fromEntries(record.nodes.map((r) => [r.name, r.status]))).toEqual(
        Object.fromEntries(expected),
      );
      expectConsistent(record, specs);
    },
  );

  it.each(SEEDS.slice(0, 6))(
    "runs a subset of the plan (run-node), then hits the cache for all (seed %i)",
    async (seed) => {
      const root = tempProject();
      const cacheDir = `${root}/cache`;
      const specs = randomSpecs(seed, 30);
      const salt = (i: number) => 2 * i + 1;
      const p = build(specs, salt);
      const plan = compile(p, { root, params: { k: 3 } });
      const want = reference(specs, salt, 3);
      // A prefix of the plan's order holds every producer of its in-memory inputs.
      const prefix = plan.order.slice(0, Math.ceil(plan.order.length / 2));
      const part = await collect((hooks) =>
        runNodes({
          root,
          plan,
          pipeline: p,
          nodes: [...prefix].reverse(),
          store: new DataStore({ root }),
          cache: false,
          ...(hooks && { hooks }),
        }),
      );
      expect(part.record.nodes.map((r) => r.name)).toEqual(prefix);
      expect(part.record.status).toBe("succeeded");
      for (const [id, v] of part.seen) expect(v).toBe(want.get(id));
      expectConsistent(part.record, specs);

      // A run with the cache on, then the same run again: everything cached.
      const cachedRun = (memory?: Map<string, unknown>) =>
        runPipeline({
          root,
          plan,
          pipeline: p,
          store: new DataStore({ root }),
          cacheDir,
          ...(memory && { memory }),
        });
      const first = await cachedRun();
      const memory = new Map<string, unknown>();
      const again = await cachedRun(memory);
      expect(again.nodes.every((r) => r.status === "cached")).toBe(true);
      expect(again.nodes.map((r) => r.outputs)).toEqual(first.nodes.map((r) => r.outputs));
      expect(Object.fromEntries(memory)).toEqual(Object.fromEntries(want));
    },
  );
});
