import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataset, node, type Plan, param, pipeline } from "@pipewright/core";
import { DataStore } from "@pipewright/io";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { Kind } from "../src/cache/log.ts";
import { explainPlan, type NodeStatus } from "../src/index.ts";
import { editCacheLog, plan, run, tempProject } from "./helpers.ts";

const raw = dataset("raw", z.array(z.number()));
const scaled = dataset("scaled", z.array(z.number()));
const total = dataset("total", z.number());
const factor = param("factor", z.number());

function build(opts: { scaledSchema?: z.ZodType; noCacheTotal?: boolean } = {}) {
  const s = opts.scaledSchema
    ? dataset("scaled", opts.scaledSchema as z.ZodType<number[]>)
    : scaled;
  return pipeline([
    node({
      name: "scale",
      inputs: { raw, factor },
      outputs: { scaled: s },
      run: ({ raw, factor }) => ({ scaled: raw.map((x) => x * factor) }),
    }),
    node({
      name: "sum",
      inputs: { scaled: s },
      outputs: { total },
      cache: !opts.noCacheTotal,
      run: ({ scaled }) => ({ total: scaled.reduce((a, b) => a + b, 0) }),
    }),
  ]);
}

const entries = {
  raw: { type: "json", path: "data/raw.json" },
  total: { type: "json", path: "data/total.json" },
};

function setup() {
  const root = tempProject();
  mkdirSync(join(root, "data"));
  writeFileSync(join(root, "data/raw.json"), "[1,2,3]");
  return root;
}

const explain = (root: string, p: Plan, o: { cache?: boolean } = {}) =>
  explainPlan({ root, plan: p, store: new DataStore({ root }), ...o });
const byName = (s: NodeStatus[]) => Object.fromEntries(s.map((x) => [x.name, x]));

describe("explainPlan", () => {
  test("before any run: first-run for nodes, downstream waits on upstream", async () => {
    const root = setup();
    const s = byName(await explain(root, plan(build(), root, entries, { factor: 2 })));
    expect(s.scale).toEqual({
      name: "scale",
      state: "run",
      cacheKey: expect.stringMatching(/^[0-9a-f]{64}$/),
      causes: [{ kind: "first-run", detail: "no previous run of this node in the cache" }],
    });
    expect(s.sum!.state).toBe("run");
    expect(s.sum!.cacheKey).toBeNull();
    expect(s.sum!.causes).toEqual([
      { kind: "first-run", detail: "no previous run of this node in the cache" },
      {
        kind: "input",
        dataset: "scaled",
        upstream: "scale",
        detail: 'upstream node "scale" runs first and rewrites "scaled"',
      },
    ]);
  });

  test("after a run: everything cached, with the keys the run used", async () => {
    const root = setup();
    const p = build();
    const { record } = await run(p, root, { entries, paramValues: { factor: 2 } });
    const s = await explain(root, plan(p, root, entries, { factor: 2 }));
    expect(s.map((x) => [x.name, x.state, x.causes])).toEqual([
      ["scale", "cached", []],
      ["sum", "cached", []],
    ]);
    expect(s.map((x) => x.cacheKey)).toEqual(record.nodes.map((n) => n.cacheKey));
  });

  test("param: names the param with old and new values", async () => {
    const root = setup();
    const p = build();
    await run(p, root, { entries, paramValues: { factor: 2 } });
    const s = byName(await explain(root, plan(p, root, entries, { factor: 3 })));
    expect(s.scale!.causes).toEqual([
      { kind: "param", name: "factor", old: 2, new: 3, detail: "factor: 2 -> 3" },
    ]);
    expect(s.sum!.causes).toEqual([
      {
        kind: "input",
        dataset: "scaled",
        upstream: "scale",
        detail: 'upstream node "scale" runs first and rewrites "scaled"',
      },
    ]);
  });

  test("param: compares with the last run, also when that run was a hit on an older entry", async () => {
    const root = setup();
    const p = build();
    await run(p, root, { entries, paramValues: { factor: 2 } });
    await run(p, root, { entries, paramValues: { factor: 3 } });
    const back = await run(p, root, { entries, paramValues: { factor: 2 } });
    expect(back.record.nodes[0]!.status).toBe("cached");
    const s = byName(await explain(root, plan(p, root, entries, { factor: 5 })));
    expect(s.scale!.causes).toEqual([
      { kind: "param", name: "factor", old: 2, new: 5, detail: "factor: 2 -> 5" },
    ]);
  });

  test("input: a changed free input names the dataset and no upstream", async () => {
    const root = setup();
    const p = build();
    await run(p, root, { entries, paramValues: { factor: 2 } });
    writeFileSync(join(root, "data/raw.json"), "[9]");
    const s = byName(await explain(root, plan(p, root, entries, { factor: 2 })));
    expect(s.scale!.causes).toEqual([
      {
        kind: "input",
        dataset: "raw",
        upstream: null,
        detail: '"raw" changed: it is a free input and its content changed',
      },
    ]);
  });

  test("input: a missing free input is named", async () => {
    const root = setup();
    rmSync(join(root, "data/raw.json"));
    const s = byName(await explain(root, plan(build(), root, entries, { factor: 2 })));
    expect(s.scale!.causes[1]).toEqual({
      kind: "input",
      dataset: "raw",
      upstream: null,
      detail: '"raw" does not exist (data/raw.json)',
    });
  });

  test("code: each changed file of the node's code is named", async () => {
    const root = setup();
    const p = build();
    const base = plan(p, root, entries, { factor: 2 });
    await run(p, root, { entries, paramValues: { factor: 2 }, plan: base });
    const edited = structuredClone(base);
    const n = edited.nodes[0]!;
    const own = n.location!.replace(/:\d+$/, "");
    edited.code[n.codeHash]!.files = {
      ...edited.code[n.codeHash]!.files,
      [own]: "f".repeat(64),
      "src/helpers.ts": "a".repeat(64),
    };
    n.cacheKey = "b".repeat(64);
    const s = byName(await explain(root, edited));
    expect(s.scale!.causes).toEqual(
      [
        { kind: "code", file: own, detail: `${own} changed` },
        {
          kind: "code",
          file: "src/helpers.ts",
          detail: "src/helpers.ts is now part of the node's code",
        },
      ].sort((x, y) => (x.file < y.file ? -1 : 1)),
    );
  });

  test("code: a changed codeVersion", async () => {
    const root = setup();
    const p = build();
    const base = plan(p, root, entries, { factor: 2 });
    base.code[base.nodes[0]!.codeHash]!.version = "1";
    base.nodes[0]!.cacheKey = "c".repeat(64);
    await run(p, root, { entries, paramValues: { factor: 2 }, plan: base });
    const edited = structuredClone(base);
    edited.code[edited.nodes[0]!.codeHash]!.version = "2";
    edited.nodes[0]!.cacheKey = "d".repeat(64);
    const s = byName(await explain(root, edited));
    expect(s.scale!.causes).toEqual([
      { kind: "code", file: expect.any(String), detail: 'codeVersion changed: "1" -> "2"' },
    ]);
  });

  test("package: names the package with old and new versions", async () => {
    const root = setup();
    const p = build();
    const base = plan(p, root, entries, { factor: 2 });
    base.code[base.nodes[0]!.codeHash]!.packages = { "simple-statistics": "7.8.0" };
    await run(p, root, { entries, paramValues: { factor: 2 }, plan: base });
    const edited = structuredClone(base);
    edited.code[edited.nodes[0]!.codeHash]!.packages = { "simple-statistics": "7.8.3" };
    edited.nodes[0]!.cacheKey = "e".repeat(64);
    const s = byName(await explain(root, edited));
    expect(s.scale!.causes).toEqual([
      {
        kind: "package",
        name: "simple-statistics",
        old: "7.8.0",
        new: "7.8.3",
        detail: "simple-statistics 7.8.0 -> 7.8.3",
      },
    ]);
  });

  test("schema: a changed dataset schema names the dataset", async () => {
    const root = setup();
    await run(build(), root, { entries, paramValues: { factor: 2 } });
    const changed = build({ scaledSchema: z.array(z.number().int()) });
    const s = byName(await explain(root, plan(changed, root, entries, { factor: 2 })));
    expect(s.scale!.causes).toEqual([
      { kind: "schema", dataset: "scaled", detail: 'the schema of output "scaled" changed' },
    ]);
    expect(s.sum!.causes).toEqual([
      { kind: "schema", dataset: "scaled", detail: 'the schema of input "scaled" changed' },
      {
        kind: "input",
        dataset: "scaled",
        upstream: "scale",
        detail: 'upstream node "scale" runs first and rewrites "scaled"',
      },
    ]);
  });

  test("no-cache: --no-cache and cache: false", async () => {
    const root = setup();
    const p = build({ noCacheTotal: true });
    await run(p, root, { entries, paramValues: { factor: 2 } });
    const s = byName(await explain(root, plan(p, root, entries, { factor: 2 })));
    expect(s.scale!.state).toBe("cached");
    expect(s.sum!.causes).toEqual([
      { kind: "no-cache", detail: "the node opts out of caching (cache: false)" },
    ]);
    const off = byName(
      await explain(root, plan(p, root, entries, { factor: 2 }), { cache: false }),
    );
    expect(off.scale!.causes).toEqual([
      { kind: "no-cache", detail: "caching is off for this run (--no-cache)" },
    ]);
  });

  test("missing-output: outputs gone and no intact blob", async () => {
    const root = setup();
    const p = build();
    await run(p, root, { entries, paramValues: { factor: 2 } });
    rmSync(join(root, "data/total.json"));
    let s = byName(await explain(root, plan(p, root, entries, { factor: 2 })));
    expect(s.sum!.state).toBe("cached"); // restorable from its blob
    rmSync(join(root, ".pipewright/cache/blobs"), { recursive: true, force: true });
    editCacheLog(root, (kind, _id, data) => (kind === Kind.blob ? undefined : data));
    s = byName(await explain(root, plan(p, root, entries, { factor: 2 })));
    // "scaled" is in memory: its only copy was a blob.
    expect(s.scale!.causes).toEqual([
      {
        kind: "missing-output",
        detail: "the outputs are gone or changed and the cache store has no intact copy",
      },
    ]);
    expect(s.sum!.causes).toEqual([
      {
        kind: "input",
        dataset: "scaled",
        upstream: "scale",
        detail: 'upstream node "scale" runs first and rewrites "scaled"',
      },
    ]);
  });

  test("reads only: explaining writes nothing", async () => {
    const root = setup();
    await explain(root, plan(build(), root, entries, { factor: 2 }));
    expect(existsSync(join(root, ".pipewright"))).toBe(false);
  });
});
