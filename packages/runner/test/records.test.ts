import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataset, metrics, node, param, pipeline } from "@pipewright/core";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { random } from "../../../test/support/random.ts";
import { diffRuns, gitCommit, type PartitionRecord, RunStore } from "../src/index.ts";
import { fromColumns, toColumns } from "../src/records/partition-columns.ts";
import { run, tempProject } from "./helpers.ts";

const x = dataset("x", z.number());
const scores = metrics("scores", z.object({ r2: z.number(), label: z.string() }));
const alpha = param("model.alpha", z.number());
const p = pipeline([
  node({ name: "fit", inputs: { alpha }, outputs: { x }, run: ({ alpha }) => ({ x: alpha * 2 }) }),
  node({
    name: "evaluate",
    inputs: { x },
    outputs: { scores },
    run: ({ x }) => ({ scores: { r2: x / 10, label: "ok" } }),
  }),
]);

describe("RunStore", () => {
  test("lists runs oldest first and gets one by id, prefix or latest", async () => {
    const root = tempProject();
    const a = await run(p, root, {
      paramValues: { model: { alpha: 1 } },
      runId: "2026-01-01T00-00-00-000Z-aaaa",
    });
    const b = await run(p, root, {
      paramValues: { model: { alpha: 2 } },
      runId: "2026-01-02T00-00-00-000Z-bbbb",
    });
    const store = new RunStore(root);
    expect(await store.list()).toEqual([
      {
        id: a.record.id,
        pipeline: "__default__",
        status: "succeeded",
        startedAt: a.record.startedAt,
        counts: { ran: 2, cached: 0, failed: 0, skipped: 0 },
        durationMs: a.record.durationMs,
      },
      {
        id: b.record.id,
        pipeline: "__default__",
        status: "succeeded",
        startedAt: b.record.startedAt,
        counts: { ran: 2, cached: 0, failed: 0, skipped: 0 },
        durationMs: b.record.durationMs,
      },
    ]);
    expect(await store.get("latest")).toEqual(b.record);
    expect(await store.get(a.record.id)).toEqual(a.record);
    expect((await store.get("2026-01-01")).id).toBe(a.record.id);
  });

  test("an unknown id is UNKNOWN_RUN with a did-you-mean; an ambiguous prefix says so", async () => {
    const root = tempProject();
    await run(p, root, {
      paramValues: { model: { alpha: 1 } },
      runId: "2026-01-01T00-00-00-000Z-aaaa",
    });
    await run(p, root, {
      paramValues: { model: { alpha: 1 } },
      runId: "2026-01-01T00-00-00-000Z-aaab",
    });
    const store = new RunStore(root);
    await expect(store.get("2026-01-01T00-00-00-000Z-aaac")).rejects.toMatchObject({
      code: "UNKNOWN_RUN",
      message: expect.stringMatching(/Did you mean "2026-01-01T00-00-00-000Z-aaa[ab]"\?/),
    });
    await expect(store.get("2026-01")).rejects.toMatchObject({
      code: "UNKNOWN_RUN",
      message: expect.stringMatching(/matches 2 runs/),
    });
  });

  test("with no runs: an empty list, and UNKNOWN_RUN for latest", async () => {
    const store = new RunStore(tempProject());
    expect(await store.list()).toEqual([]);
    await expect(store.get("latest")).rejects.toMatchObject({
      code: "UNKNOWN_RUN",
      message: expect.stringMatching(/No runs are recorded yet/),
    });
  });

  test("leaves out unreadable record files", async () => {
    const root = tempProject();
    await run(p, root, { paramValues: { model: { alpha: 1 } }, runId: "good" });
    writeFileSync(join(root, ".pipewright/runs/torn.json"), "{");
    expect((await new RunStore(root).list()).map((r) => r.id)).toEqual(["good"]);
  });
});

describe("partition columns (run record format 2)", () => {
  /** Partition records of every shape the runner makes: any status, absent fields, rare ones. */
  function randomPartitions(next: () => number): PartitionRecord[] {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const hash = () => (next() < 0.15 ? null : next().toString(16).slice(2));
    const ids = ["a", "b.c", "constructor", "toString"].slice(0, 1 + Math.floor(next() * 4));
    return Array.from({ length: Math.floor(next() * 12) }, (_, i) => {
      const outputs: Record<string, string> = {};
      // Every output or none (a failed or skipped partition), as the runner records them.
      if (next() < 0.8) for (const id of ids) outputs[id] = next().toString(36);
      const p: PartitionRecord = {
        name: `${pick(["p", "2024-01-0", "x=", "__proto__"])}${i}`,
        status: pick(["ran", "cached", "failed", "skipped"] as const),
        durationMs: pick([0, 0.004, 12.5, next() * 1000]),
        cacheKey: hash(),
        input: hash(),
        outputs,
        attempts: Math.floor(next() * 3),
      };
      if (next() < 0.3) p.cause = pick(["new", "changed", "missing-output", "no-cache"] as const);
      if (next() < 0.2) p.metrics = { [pick(ids)]: { r2: next(), tags: ["x", null] } };
      if (next() < 0.2) p.error = { code: "NODE_FAILED", message: `boom ${i}`, stack: "at x" };
      return p;
    });
  }

  test("columns written as JSON read back as the very records, for 500 random sets", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const parts = randomPartitions(random(seed));
      const back = fromColumns(JSON.parse(JSON.stringify(toColumns(parts))));
      expect(back, `seed ${seed}`).toEqual(JSON.parse(JSON.stringify(parts)));
      // Same keys in the same order: `runs show --json` prints what format 1 printed.
      expect(JSON.stringify(back), `seed ${seed}`).toBe(JSON.stringify(parts));
    }
  });

  test("malformed columns stand for no partitions; a format-1 record reads as it is", () => {
    const ok = toColumns(randomPartitions(random(2)));
    expect(ok.name.length).toBeGreaterThan(1);
    expect(fromColumns({ ...ok, status: ok.status.slice(1) })).toBeUndefined();
    expect(fromColumns({ ...ok, outputs: { a: [] } })).toBeUndefined();
    expect(fromColumns(null)).toBeUndefined();
    // Cells of the wrong type, as a hand-edited file could hold.
    expect(fromColumns({ ...ok, name: [1, ...ok.name.slice(1)] })).toBeUndefined();
    expect(fromColumns({ ...ok, attempts: [null, ...ok.attempts.slice(1)] })).toBeUndefined();
    expect(fromColumns({ ...ok, cacheKey: [3, ...ok.cacheKey.slice(1)] })).toBeUndefined();
    // An extra field named __proto__ is not copied (it would set the record's prototype).
    const hostile = JSON.parse(
      JSON.stringify({ ...ok, extra: {} }).replace(
        '"extra":{}',
        '"extra":{"0":{"__proto__":{"polluted":1},"cause":"x"}}',
      ),
    );
    const [first] = fromColumns(hostile)!;
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect((first as { polluted?: number }).polluted).toBeUndefined();
    expect(first!.cause).toBe("x");
    const root = tempProject();
    mkdirSync(join(root, ".pipewright/runs"), { recursive: true });
    const old = {
      id: "old",
      pipeline: "__default__",
      status: "succeeded",
      nodes: [{ name: "m", status: "cached", partitions: [{ name: "a", status: "cached" }] }],
    };
    writeFileSync(join(root, ".pipewright/runs/old.json"), JSON.stringify(old));
    const torn = { ...old, id: "torn", format: 2, nodes: [{ name: "m", partitionColumns: {} }] };
    writeFileSync(join(root, ".pipewright/runs/torn.json"), JSON.stringify(torn));
    const store = new RunStore(root);
    return Promise.all([
      expect(store.get("old")).resolves.toEqual(old),
      expect(store.get("torn")).resolves.toEqual({ ...old, id: "torn", nodes: [{ name: "m" }] }),
    ]);
  });
});

describe("diffRuns", () => {
  test("params, metrics with deltas, cache hits and durations side by side", async () => {
    const root = tempProject();
    const a = await run(p, root, {
      paramValues: { model: { alpha: 1 } },
      params: { model: { alpha: 1 }, seed: 7 },
    });
    const b = await run(p, root, {
      paramValues: { model: { alpha: 3 } },
      params: { model: { alpha: 3 }, seed: 7 },
    });
    const c = await run(p, root, {
      paramValues: { model: { alpha: 3 } },
      params: { model: { alpha: 3 }, seed: 7 },
    });
    const d = diffRuns(a.record, b.record);
    expect(d.params).toEqual([
      { name: "model.alpha", a: 1, b: 3, changed: true },
      { name: "seed", a: 7, b: 7, changed: false },
    ]);
    expect(d.metrics).toEqual([
      { name: "scores.label", node: "evaluate", a: "ok", b: "ok" },
      { name: "scores.r2", node: "evaluate", a: 0.2, b: 0.6, delta: expect.closeTo(0.4, 10) },
    ]);
    expect(d.nodes.map((n) => [n.name, n.a?.status, n.b?.status])).toEqual([
      ["fit", "ran", "ran"],
      ["evaluate", "ran", "ran"],
    ]);
    expect(typeof d.nodes[0]!.durationDeltaMs).toBe("number");
    const cached = diffRuns(b.record, c.record);
    expect([cached.a.cacheHits, cached.b.cacheHits, cached.b.ran]).toEqual([0, 2, 0]);
  });

  test("nodes only in one run have null on the other side", async () => {
    const root = tempProject();
    const a = await run(p, root, { paramValues: { model: { alpha: 1 } } });
    const b = { ...a.record, nodes: a.record.nodes.slice(0, 1) };
    expect(diffRuns(b, a.record).nodes.at(-1)).toEqual({
      name: "evaluate",
      a: null,
      b: { status: "ran", durationMs: a.record.nodes[1]!.durationMs },
    });
  });
});

describe("gitCommit", () => {
  const sha = "89abcdef0123456789abcdef0123456789abcdef";
  test("a detached HEAD", () => {
    const root = tempProject();
    mkdirSync(join(root, ".git"));
    writeFileSync(join(root, ".git/HEAD"), `${sha}\n`);
    expect(gitCommit(root)).toBe(sha);
  });
  test("a branch in packed-refs", () => {
    const root = tempProject();
    mkdirSync(join(root, ".git"));
    writeFileSync(join(root, ".git/HEAD"), "ref: refs/heads/dev\n");
    writeFileSync(
      join(root, ".git/packed-refs"),
      `# pack-refs with: peeled\n${"1".repeat(40)} refs/heads/main\n${sha} refs/heads/dev\n`,
    );
    expect(gitCommit(root)).toBe(sha);
  });
  test("a worktree: .git is a file pointing at the real git dir, refs in the common dir", () => {
    const root = tempProject();
    const common = join(root, "main.git");
    const wt = join(common, "worktrees", "wt");
    mkdirSync(join(common, "refs/heads"), { recursive: true });
    mkdirSync(wt, { recursive: true });
    writeFileSync(join(wt, "HEAD"), "ref: refs/heads/feature\n");
    writeFileSync(join(wt, "commondir"), "../..\n");
    writeFileSync(join(common, "refs/heads/feature"), `${sha}\n`);
    const checkout = join(root, "checkout");
    mkdirSync(checkout);
    writeFileSync(join(checkout, ".git"), `gitdir: ${wt}\n`);
    expect(gitCommit(checkout)).toBe(sha);
  });
  test("outside a repository", () => {
    expect(gitCommit(tempProject())).toBeUndefined();
  });
});
