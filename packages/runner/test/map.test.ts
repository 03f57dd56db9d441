import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataset, node, param, partitioned, pipeline } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openCacheBackend } from "../src/cache/backend.ts";
import { PartitionIndex } from "../src/cache/partition-index.ts";
import type { NodeRecord, RunHooks, RunRecord } from "../src/index.ts";
import { run, tempProject } from "./helpers.ts";

const Event = z.object({ user: z.string(), amount: z.number() });
const raw = partitioned("raw_events", z.array(Event));
const cleaned = partitioned("clean_events", z.array(Event));
const totals = partitioned("daily_totals", z.object({ total: z.number(), n: z.number() }));
const report = dataset("report", z.object({ days: z.array(z.string()), total: z.number() }));

let calls: string[] = [];
const clean = node.map({
  name: "clean",
  over: { events: raw },
  outputs: { cleaned },
  run: ({ events }, { partition }) => {
    calls.push(`clean:${partition}`);
    return { cleaned: events.filter((e) => e.amount > 0) };
  },
});
const total = node.map({
  name: "total",
  over: { events: cleaned },
  outputs: { totals },
  run: ({ events }, { partition }) => {
    calls.push(`total:${partition}`);
    return { totals: { total: events.reduce((s, e) => s + e.amount, 0), n: events.length } };
  },
});
const fanIn = node({
  name: "report",
  inputs: { totals },
  outputs: { report },
  run: async ({ totals }) => {
    calls.push("report");
    let sum = 0;
    for await (const [, t] of totals) sum += t.total;
    return { report: { days: [...totals.names], total: sum } };
  },
});
const daily = pipeline([clean, total, fanIn]);
const entries = {
  raw_events: { type: "jsonl", path: "data/raw/" },
  clean_events: { type: "jsonl", path: "data/clean/" },
  report: { type: "json", path: "data/report.json" },
};

function day(root: string, name: string, amounts: (number | string)[]) {
  mkdirSync(join(root, "data/raw"), { recursive: true });
  writeFileSync(
    join(root, "data/raw", `${name}.jsonl`),
    amounts.map((a, i) => JSON.stringify({ user: `u${i}`, amount: a })).join("\n"),
  );
}
const readReport = (root: string) =>
  JSON.parse(readFileSync(join(root, "data/report.json"), "utf8")) as unknown;
const byName = (r: RunRecord) => new Map(r.nodes.map((n) => [n.name, n]));
const partStatus = (n: NodeRecord | undefined) =>
  Object.fromEntries((n?.partitions ?? []).map((p) => [p.name, p.status]));

async function go(root: string, extra: Parameters<typeof run>[2] = {}) {
  calls = [];
  const r = await run(daily, root, { entries, ...extra });
  return { ...r, calls: [...calls].sort(), nodes: byName(r.record) };
}

describe("map nodes: per-partition execution and caching", () => {
  it("runs each partition once, then hits every one; the fan-in gets the collection", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1, 2, -1]);
    day(root, "2024-01-02", [5]);
    const first = await go(root);
    expect(first.record.status).toBe("succeeded");
    expect(first.calls).toEqual([
      "clean:2024-01-01",
      "clean:2024-01-02",
      "report",
      "total:2024-01-01",
      "total:2024-01-02",
    ]);
    expect(readdirSync(join(root, "data/clean")).sort()).toEqual([
      "2024-01-01.jsonl",
      "2024-01-02.jsonl",
    ]);
    expect(readReport(root)).toEqual({ days: ["2024-01-01", "2024-01-02"], total: 8 });
    const cleanRec = first.nodes.get("clean")!;
    expect(cleanRec.status).toBe("ran");
    expect(cleanRec.partitions!.map((p) => [p.name, p.status, p.cause])).toEqual([
      ["2024-01-01", "ran", "new"],
      ["2024-01-02", "ran", "new"],
    ]);
    expect(cleanRec.partitions![0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(cleanRec.causes![0]!.detail).toBe("2 of 2 partitions ran: 2 new");

    const again = await go(root);
    expect(again.calls).toEqual([]);
    expect([...again.nodes.values()].map((n) => n.status)).toEqual(["cached", "cached", "cached"]);
  });

  it("adding a day runs that day only, and the fan-in once", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [2]);
    await go(root);
    day(root, "2024-01-03", [3]);
    const r = await go(root);
    expect(r.calls).toEqual(["clean:2024-01-03", "report", "total:2024-01-03"]);
    expect(partStatus(r.nodes.get("clean"))).toEqual({
      "2024-01-01": "cached",
      "2024-01-02": "cached",
      "2024-01-03": "ran",
    });
    expect(r.nodes.get("clean")!.partitions![2]!.cause).toBe("new");
    expect(readReport(root)).toEqual({
      days: ["2024-01-01", "2024-01-02", "2024-01-03"],
      total: 6,
    });
  });

  it("a new day appends to the partition index; unchanged days keep their keys without hashing", async () => {
    const root = tempProject();
    for (let d = 1; d <= 9; d++) day(root, `2024-01-0${d}`, [d]);
    await go(root);
    const backend = openCacheBackend(".pipewright/cache", root);
    const snapshot = join(root, ".pipewright/cache", PartitionIndex.path("clean"));
    const before = readFileSync(snapshot);
    day(root, "2024-01-10", [10]);
    const r = await go(root);
    expect(r.calls).toEqual(["clean:2024-01-10", "report", "total:2024-01-10"]);
    expect(readFileSync(snapshot)).toEqual(before);
    const index = await PartitionIndex.open(backend, "clean");
    // Each partition's key is remembered with the input hash it was made from.
    const memo = index.previous!;
    for (const p of r.nodes.get("clean")!.partitions!) {
      expect(memo.inputs.get(p.name)).toBe(p.input);
      expect(index.knownKey(p.name, p.input!, memo.memoPrefix!)).toBe(p.cacheKey);
    }
    // A reused key is the key: a changed day still reruns, an unchanged one still hits.
    day(root, "2024-01-03", [30]);
    const again = await go(root);
    expect(again.calls).toEqual(["clean:2024-01-03", "report", "total:2024-01-03"]);
  });

  it("a changed day reruns it; a change that cleans to the same bytes stops there (early cutoff)", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [2]);
    await go(root);
    day(root, "2024-01-02", [2, -5]); // the negative row is cleaned away: same cleaned bytes
    const r = await go(root);
    expect(r.calls).toEqual(["clean:2024-01-02"]);
    expect(r.nodes.get("clean")!.partitions![1]!.cause).toBe("changed");
    expect(r.nodes.get("report")!.status).toBe("cached");
    day(root, "2024-01-02", [7]);
    const r2 = await go(root);
    expect(r2.calls).toEqual(["clean:2024-01-02", "report", "total:2024-01-02"]);
  });

  it("a removed day: its outputs are deleted and the fan-in reruns without it", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [2]);
    await go(root);
    rmSync(join(root, "data/raw/2024-01-01.jsonl"));
    const r = await go(root);
    expect(r.calls).toEqual(["report"]);
    expect(r.nodes.get("clean")!.removedPartitions).toEqual(["2024-01-01"]);
    expect(existsSync(join(root, "data/clean/2024-01-01.jsonl"))).toBe(false);
    expect(readReport(root)).toEqual({
      days: ["2024-01-02"],
      total: 2,
    });
  });

  it("an output partition edited by hand is restored from the cache, not trusted", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1, 2]);
    await go(root);
    const file = join(root, "data/clean/2024-01-01.jsonl");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, '{"user":"x","amount":999}\n');
    const r = await go(root);
    expect(r.calls).toEqual([]);
    expect(readFileSync(file, "utf8")).toBe(good);
    rmSync(file);
    await go(root);
    expect(readFileSync(file, "utf8")).toBe(good);
  });

  it("runs diff compares the partitions of two runs", async () => {
    const { diffRuns } = await import("../src/index.ts");
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [2]);
    const a = (await go(root)).record;
    day(root, "2024-01-02", [3]);
    day(root, "2024-01-03", [4]);
    rmSync(join(root, "data/raw/2024-01-01.jsonl"));
    const b = (await go(root)).record;
    const d = diffRuns(a, b).partitions.find((p) => p.node === "clean")!;
    expect(d).toMatchObject({
      added: ["2024-01-03"],
      removed: ["2024-01-01"],
      changed: ["2024-01-02"],
      same: 0,
      a: { ran: 2, cached: 0 },
      b: { ran: 2, cached: 0 },
    });
  });

  it("the run record file keeps partitions by column (format 2); RunStore reads them back as they were", async () => {
    const { RunStore } = await import("../src/index.ts");
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [2, "two"]);
    day(root, "2024-01-03", [3]);
    const a = (await go(root, { keepGoing: true })).record; // ran, failed (with an error)
    day(root, "2024-01-02", [2]);
    const b = (await go(root)).record; // cached, ran (with a cause)
    for (const r of [a, b]) {
      const file = JSON.parse(readFileSync(join(root, ".pipewright/runs", `${r.id}.json`), "utf8"));
      expect(file.format).toBe(2);
      const clean = file.nodes.find((n: { name: string }) => n.name === "clean");
      expect(clean.partitions).toBeUndefined();
      expect(clean.partitionColumns.name).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
      expect(await new RunStore(root).get(r.id)).toEqual(JSON.parse(JSON.stringify(r)));
    }
    const failed = a.nodes.find((n) => n.name === "clean")!.partitions![1]!;
    expect([failed.status, failed.error?.code]).toEqual(["failed", "DATA_VALIDATION"]);
  });

  it("a fan-in holds one cached in-memory partition at a time: nothing keeps what it loaded", async () => {
    const seen: boolean[] = [];
    const keepsNothing = pipeline([
      clean,
      total,
      node({
        name: "twice",
        inputs: { totals },
        outputs: { report },
        run: async ({ totals }) => {
          const [first] = totals.names;
          const once = await totals.get(first!);
          const again = await totals.get(first!);
          seen.push(once === again);
          return { report: { days: [...totals.names], total: 0 } };
        },
      }),
    ]);
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [2]);
    await run(keepsNothing, root, { entries });
    day(root, "2024-01-03", [3]); // the fan-in runs again; the first two days are cached
    const r = await run(keepsNothing, root, { entries });
    expect(partStatus(byName(r.record).get("total"))).toMatchObject({ "2024-01-01": "cached" });
    // The value computed in the run is the one kept; a cached one is decoded on each load.
    expect(seen).toEqual([true, false]);
  });

  it("zero partitions: a warning, and the fan-in gets an empty collection", async () => {
    const root = tempProject();
    mkdirSync(join(root, "data/raw"), { recursive: true });
    const r = await go(root);
    expect(r.record.status).toBe("succeeded");
    expect(r.nodes.get("clean")!.warnings![0]).toMatch(
      /map node "clean" has no partitions to run: "raw_events" is empty/,
    );
    expect(r.events.some((e) => e.type === "node-warning")).toBe(true);
    expect(readReport(root)).toEqual({ days: [], total: 0 });
  });

  it("a partition failing its schema is named with its row; fail-fast stops, --keep-going finishes the others", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [1, "two"]);
    day(root, "2024-01-03", [3]);
    const fast = await go(root);
    expect(fast.record.status).toBe("failed");
    const c = fast.nodes.get("clean")!;
    expect(c.status).toBe("failed");
    expect(c.error!.message).toMatch(/1 of 3 partitions failed \("2024-01-02"\)/);
    const bad = c.partitions!.find((p) => p.name === "2024-01-02")!;
    expect(bad.status).toBe("failed");
    expect(bad.error!.message).toMatch(
      /dataset "raw_events" partition "2024-01-02" \(data\/raw\/2024-01-02.jsonl line 2\), row 1, field "amount"/,
    );
    expect(partStatus(c)["2024-01-03"]).toBe("skipped");
    expect(fast.nodes.get("report")!.status).toBe("skipped");

    const going = await go(root, { keepGoing: true });
    expect(partStatus(going.nodes.get("clean"))).toEqual({
      "2024-01-01": "cached",
      "2024-01-02": "failed",
      "2024-01-03": "ran",
    });
    // The failed partition leaves no output behind for a later reader.
    expect(existsSync(join(root, "data/clean/2024-01-02.jsonl"))).toBe(false);
  });

  it("a file that is not a safe partition name fails the node, naming it", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    writeFileSync(join(root, "data/raw/bad name.jsonl"), "");
    const r = await go(root);
    expect(r.nodes.get("clean")!.error!.message).toMatch(
      /file "bad name.jsonl" is not a valid partition/,
    );
  });

  it("--parallel runs partitions at once", async () => {
    let running = 0;
    let peak = 0;
    const slow = node.map({
      name: "slow",
      over: { events: raw },
      outputs: { totals },
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        return { totals: { total: 0, n: 0 } };
      },
    });
    const root = tempProject();
    for (let d = 1; d <= 8; d++) day(root, `d${d}`, [d]);
    const r = await run(pipeline([slow]), root, { entries, parallel: 4, cache: false });
    expect(r.record.status).toBe("succeeded");
    expect(peak).toBe(4);
  });

  it("node hooks are called per partition that runs (not for hits), naming it", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [-2]);
    const seen: string[] = [];
    const hooks: RunHooks = {
      beforeNode: ({ node, partition, inputs }) =>
        void seen.push(`before ${node.id} ${partition ?? "-"} ${inputs.$partition ?? "-"}`),
      afterNode: ({ node, partition, outputs, record }) =>
        void seen.push(
          `after ${node.id} ${partition ?? "-"} ${JSON.stringify(outputs)} ${record.status}`,
        ),
      onNodeError: ({ node, partition, willRetry }) =>
        void seen.push(`error ${node.id} ${partition ?? "-"} ${willRetry}`),
    };
    await go(root, { hooks });
    expect(seen.filter((s) => s.includes(" clean ")).sort()).toEqual([
      'after clean 2024-01-01 {"cleaned":[{"user":"u0","amount":1}]} ran',
      'after clean 2024-01-02 {"cleaned":[]} ran',
      "before clean 2024-01-01 2024-01-01",
      "before clean 2024-01-02 2024-01-02",
    ]);
    expect(seen).toContain("before report - -");
    seen.length = 0;
    await go(root, { hooks });
    expect(seen).toEqual([]); // every partition and the fan-in hit
    const picky = node.map({
      name: "picky",
      over: { events: raw },
      outputs: { totals },
      retries: 1,
      run: ({ events }) => {
        if (events.length > 0 && events[0]!.amount < 0) throw new Error("negative");
        return { totals: { total: 0, n: events.length } };
      },
    });
    await run(pipeline([picky]), root, { entries, hooks });
    expect(seen.filter((s) => s.startsWith("error"))).toEqual([
      "error picky 2024-01-02 true",
      "error picky 2024-01-02 false",
    ]);
  });
});

describe("status of map nodes", () => {
  const explain = async (root: string) => {
    const { explainPlan } = await import("../src/index.ts");
    const { plan } = await import("./helpers.ts");
    const { DataStore } = await import("@pipewright/io");
    const statuses = await explainPlan({
      root,
      plan: plan(daily, root, entries),
      store: new DataStore({ root }),
    });
    return new Map(statuses.map((s) => [s.name, s]));
  };

  it("says how many partitions would run and why, and what was removed", async () => {
    const root = tempProject();
    day(root, "2024-01-01", [1]);
    day(root, "2024-01-02", [2]);
    const before = await explain(root);
    expect(before.get("clean")!.partitions).toMatchObject({ total: 2, run: 2 });
    expect(before.get("clean")!.causes.map((c) => c.kind)).toEqual(["first-run", "input"]);
    await go(root);
    const clean = await explain(root);
    expect([...clean.values()].map((s) => s.state)).toEqual(["cached", "cached", "cached"]);
    expect(clean.get("clean")!.partitions).toMatchObject({ total: 2, run: 0 });

    day(root, "2024-01-03", [3]);
    day(root, "2024-01-01", [10]);
    const after = await explain(root);
    const c = after.get("clean")!;
    expect(c.state).toBe("run");
    expect(c.partitions).toMatchObject({
      total: 3,
      run: 2,
      new: { count: 1, names: ["2024-01-03"] },
      changed: { count: 1, names: ["2024-01-01"] },
    });
    expect(c.causes.at(-1)!.detail).toBe(
      "2 of 3 partitions would run: 1 new (2024-01-03), 1 changed (2024-01-01)",
    );
    // Downstream cannot know its partitions before clean has run.
    expect(after.get("total")!.partitions).toMatchObject({ total: null, run: null });
    expect(after.get("report")!.state).toBe("run");

    await go(root);
    rmSync(join(root, "data/raw/2024-01-02.jsonl"));
    const removed = await explain(root);
    expect(removed.get("clean")!.state).toBe("cached");
    expect(removed.get("clean")!.partitions!.removed).toEqual({ count: 1, names: ["2024-01-02"] });
    expect(removed.get("report")!.state).toBe("run");
  });
});

describe("engine fan-out: listing and batches", () => {
  it("batches cover every partition once; a later local run hits all of them", async () => {
    const { fanOut, runNodes } = await import("../src/index.ts");
    const { plan } = await import("./helpers.ts");
    const { DataStore } = await import("@pipewright/io");
    const root = tempProject();
    for (let d = 1; d <= 5; d++) day(root, `d${d}`, [d]);
    // A stale output partition, whose input is gone: the listing removes it.
    mkdirSync(join(root, "data/clean"), { recursive: true });
    writeFileSync(join(root, "data/clean/gone.jsonl"), "");
    const p = plan(daily, root, entries);
    const base = { root, plan: p, pipeline: daily, store: new DataStore({ root }) };
    const listed = await fanOut({ ...base, nodes: ["clean"], maxBatches: 2 });
    expect(listed).toMatchObject({ partitions: 5, removed: ["gone"] });
    expect(listed.batches).toHaveLength(2);
    calls = [];
    const { parseBatch } = await import("../src/index.ts");
    for (const b of listed.batches) {
      const r = await runNodes({ ...base, nodes: ["clean"], batch: parseBatch(b), runId: "wf" });
      expect(r.status).toBe("succeeded");
    }
    expect(calls.sort()).toEqual(["clean:d1", "clean:d2", "clean:d3", "clean:d4", "clean:d5"]);
    const local = await go(root);
    expect(partStatus(local.nodes.get("clean"))).toEqual({
      d1: "cached",
      d2: "cached",
      d3: "cached",
      d4: "cached",
      d5: "cached",
    });
    await expect(
      runNodes({ ...base, nodes: ["report"], batch: { index: 0, of: 1 } }),
    ).rejects.toThrow(/--batch is for map nodes/);
  });
});

describe("map nodes over lists", () => {
  const regions = param("regions", z.array(z.string()));
  const out = partitioned("by_region", z.object({ code: z.string() }));
  let seen: string[] = [];
  const perRegion = node.map({
    name: "per_region",
    over: { region: regions },
    outputs: { out },
    run: ({ region }) => {
      seen.push(region);
      return { out: { code: region.toUpperCase() } };
    },
  });
  const p = pipeline([perRegion]);

  it("adding an item to a list param runs that item only", async () => {
    const root = tempProject();
    const e = { by_region: { type: "json", path: "data/regions/" } };
    seen = [];
    await run(p, root, { entries: e, paramValues: { regions: ["eu", "us"] } });
    expect(seen.sort()).toEqual(["eu", "us"]);
    seen = [];
    const r = await run(p, root, { entries: e, paramValues: { regions: ["eu", "us", "apac"] } });
    expect(seen).toEqual(["apac"]);
    expect(readdirSync(join(root, "data/regions")).sort()).toEqual([
      "apac.json",
      "eu.json",
      "us.json",
    ]);
    expect(r.record.nodes[0]!.partitions!.map((x) => x.name)).toEqual(["apac", "eu", "us"]);
  });

  it("an item name that is not a safe file name fails, naming the item", async () => {
    const root = tempProject();
    const r = await run(p, root, { paramValues: { regions: ["eu", "../etc"] } });
    expect(r.record.nodes[0]!.error!.message).toMatch(
      /item 1 is named "..\/etc", which must start/,
    );
  });
});

describe("partitionsKey", () => {
  it("is the sha256 of its defining text, for 300 random partition lists", async () => {
    const { createHash } = await import("node:crypto");
    const { random } = await import("../../../test/support/random.ts");
    const { seededText } = await import("../../../test/support/random-text.ts");
    const { partitionsKey } = await import("../src/exec/map.ts");
    const units = ["a", "0", "-", "é", "日", "\0", "\n", "😀", "\ud800"];
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const text = (max: number) => seededText(next, units, max);
      const parts = Array.from({ length: Math.floor(next() * 15) }, () => ({
        name: text(10),
        status: "cached" as const,
        durationMs: 0,
        cacheKey: next() < 0.2 ? null : text(70),
        input: null,
        outputs: {},
        attempts: 0,
      }));
      const joined = parts.map((p) => `${p.name}\0${p.cacheKey ?? ""}`).join("\n");
      expect(partitionsKey(parts), `seed ${seed}`).toBe(
        createHash("sha256").update(joined).digest("hex"),
      );
    }
  });
});
