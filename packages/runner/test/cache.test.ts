import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataset, node, param, pipeline } from "@pipewright/core";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { Kind } from "../src/cache/log.ts";
import { editCacheLog, run, statuses, tempProject } from "./helpers.ts";

const raw = dataset("raw", z.array(z.number()));
const clean = dataset("clean", z.array(z.number()));
const total = dataset("total", z.number());
const report = dataset("report", z.string());
const threshold = param("threshold", z.number());

/** raw (file) -> clean -> total -> report, counting calls per node. */
function counted(calls: Record<string, number>) {
  const hit = (n: string) => {
    calls[n] = (calls[n] ?? 0) + 1;
  };
  return pipeline([
    node({
      name: "clean",
      inputs: { raw, threshold },
      outputs: { clean },
      run: ({ raw, threshold }) => {
        hit("clean");
        return { clean: raw.filter((x) => x >= threshold) };
      },
    }),
    node({
      name: "total",
      inputs: { clean },
      outputs: { total },
      run: ({ clean }) => {
        hit("total");
        return { total: clean.length };
      },
    }),
    node({
      name: "report",
      inputs: { total },
      outputs: { report },
      run: ({ total }) => {
        hit("report");
        return { report: `${total} rows` };
      },
    }),
  ]);
}

const files = {
  raw: { type: "json", path: "data/raw.json" },
  report: { type: "text", path: "data/report.txt" },
};
const fileEntries = { ...files, clean: { type: "json", path: "data/clean.json" } };

function project(rawValues: number[] = [1, 2, 3, 4]) {
  const root = tempProject();
  writeRaw(root, rawValues);
  return root;
}
function writeRaw(root: string, values: number[]) {
  rmSync(join(root, "data/raw.json"), { force: true });
  mkdirSync(join(root, "data"), { recursive: true });
  writeFileSync(join(root, "data/raw.json"), JSON.stringify(values));
}

describe("cache", () => {
  test("a second run with nothing changed is all hits and runs no function", async () => {
    const root = project();
    const calls: Record<string, number> = {};
    const p = counted(calls);
    const first = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    expect(statuses(first.record)).toEqual({ clean: "ran", total: "ran", report: "ran" });
    const second = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    expect(statuses(second.record)).toEqual({ clean: "cached", total: "cached", report: "cached" });
    expect(calls).toEqual({ clean: 1, total: 1, report: 1 });
    expect(second.record.nodes.map((n) => n.cacheKey)).toEqual(
      first.record.nodes.map((n) => n.cacheKey),
    );
    expect(second.record.nodes.map((n) => n.outputs)).toEqual(
      first.record.nodes.map((n) => n.outputs),
    );
  });

  test("early cutoff: an upstream rerun that writes the same bytes still hits downstream", async () => {
    const root = project([1, 2, 3, 4]);
    const calls: Record<string, number> = {};
    const p = counted(calls);
    await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    // threshold 1.5 keeps the same rows: clean reruns, writes identical data.
    const again = await run(p, root, { entries: files, paramValues: { threshold: 1.5 } });
    expect(statuses(again.record)).toEqual({ clean: "ran", total: "cached", report: "cached" });
    expect(again.record.nodes[0]!.causes).toEqual([
      { kind: "param", name: "threshold", old: 2, new: 1.5, detail: "threshold: 2 -> 1.5" },
    ]);
    expect(calls).toEqual({ clean: 2, total: 1, report: 1 });
  });

  test("a changed free input reruns its readers", async () => {
    const root = project([1, 2, 3, 4]);
    const calls: Record<string, number> = {};
    const p = counted(calls);
    await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    writeRaw(root, [5, 6]);
    const again = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    expect(statuses(again.record)).toEqual({ clean: "ran", total: "ran", report: "ran" });
    expect(again.record.nodes[0]!.causes).toEqual([
      {
        kind: "input",
        dataset: "raw",
        upstream: null,
        detail: '"raw" changed: it is a free input and its content changed',
      },
    ]);
    expect(again.record.nodes[1]!.causes).toEqual([
      {
        kind: "input",
        dataset: "clean",
        upstream: "clean",
        detail: '"clean" changed: upstream node "clean" wrote different data',
      },
    ]);
    expect(readFileSync(join(root, "data/report.txt"), "utf8")).toBe("2 rows");
  });

  test("going back to earlier params hits the older entry", async () => {
    const root = project();
    const calls: Record<string, number> = {};
    const p = counted(calls);
    await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    await run(p, root, { entries: files, paramValues: { threshold: 4 } });
    const back = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    expect(statuses(back.record)).toEqual({ clean: "cached", total: "cached", report: "cached" });
    // The stored report was "1 rows" (threshold 4); the hit restores "3 rows" from its blob.
    expect(readFileSync(join(root, "data/report.txt"), "utf8")).toBe("3 rows");
    expect(back.record.nodes[2]!.restored).toEqual(["report"]);
  });

  test("a deleted or edited stored output is restored from the cache, not recomputed", async () => {
    const root = project();
    const calls: Record<string, number> = {};
    const p = counted(calls);
    await run(p, root, { entries: fileEntries, paramValues: { threshold: 2 } });
    rmSync(join(root, "data/clean.json"));
    writeFileSync(join(root, "data/report.txt"), "tampered");
    const again = await run(p, root, { entries: fileEntries, paramValues: { threshold: 2 } });
    expect(statuses(again.record)).toEqual({ clean: "cached", total: "cached", report: "cached" });
    expect(
      again.events
        .filter((e) => e.type === "node-cached")
        .map((e) => (e as { restored: string[] }).restored),
    ).toEqual([["clean"], [], ["report"]]);
    expect(JSON.parse(readFileSync(join(root, "data/clean.json"), "utf8"))).toEqual([2, 3, 4]);
    expect(readFileSync(join(root, "data/report.txt"), "utf8")).toBe("3 rows");
    expect(calls).toEqual({ clean: 1, total: 1, report: 1 });
  });

  test("a corrupted blob is detected and the node recomputed", async () => {
    const root = project();
    const calls: Record<string, number> = {};
    const p = counted(calls);
    const first = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    // Corrupt every blob, then delete the stored report: the hit cannot be trusted.
    corruptBlobs(root);
    rmSync(join(root, "data/report.txt"));
    const again = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    expect(again.record.nodes[2]!.status).toBe("ran");
    expect(again.record.nodes[2]!.causes![0]!.kind).toBe("missing-output");
    expect(readFileSync(join(root, "data/report.txt"), "utf8")).toBe("3 rows");
    expect(again.record.nodes[2]!.outputs).toEqual(first.record.nodes[2]!.outputs);
    // The corrupt blob was replaced by an intact one.
    const third = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    expect(statuses(third.record)).toEqual({ clean: "cached", total: "cached", report: "cached" });
  });

  test("a corrupted in-memory blob is recomputed when a node that runs needs it", async () => {
    const root = project();
    const calls: Record<string, number> = {};
    const p = counted(calls);
    await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    corruptBlobs(root);
    rmSync(join(root, "data/report.txt"));
    // report must run (its output is gone and its blob is bad); it reads "total" from memory,
    // whose blob is corrupt too, so "total" is recomputed, and so is "clean" before it.
    const again = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    expect(statuses(again.record)).toEqual({ clean: "ran", total: "ran", report: "ran" });
    expect(again.record.nodes[1]!.causes![0]!.detail).toMatch(
      /cached value of "total" was missing or corrupt; recomputed/,
    );
    expect(readFileSync(join(root, "data/report.txt"), "utf8")).toBe("3 rows");
    expect(calls).toEqual({ clean: 2, total: 2, report: 2 });
  });

  test("an unreadable cache entry is dropped and the node recomputed", async () => {
    const root = project();
    const calls: Record<string, number> = {};
    const p = counted(calls);
    await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    editCacheLog(root, (kind, _id, data) =>
      kind === Kind.entry ? Buffer.from("{ not json") : data,
    );
    const again = await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    expect(statuses(again.record)).toEqual({ clean: "ran", total: "ran", report: "ran" });
  });

  test("cache: false runs everything and neither reads nor writes the store", async () => {
    const root = project();
    const calls: Record<string, number> = {};
    const p = counted(calls);
    const off = await run(p, root, { entries: files, paramValues: { threshold: 2 }, cache: false });
    expect(statuses(off.record)).toEqual({ clean: "ran", total: "ran", report: "ran" });
    expect(off.record.nodes[0]!.causes).toEqual([
      { kind: "no-cache", detail: "caching is off for this run (--no-cache)" },
    ]);
    expect(walk(join(root, ".pipewright/cache"))).toEqual([]);
    await run(p, root, { entries: files, paramValues: { threshold: 2 } });
    const off2 = await run(p, root, {
      entries: files,
      paramValues: { threshold: 2 },
      cache: false,
    });
    expect(statuses(off2.record)).toEqual({ clean: "ran", total: "ran", report: "ran" });
    expect(off2.record.options.cache).toBe(false);
  });

  test("a node with cache: false always runs; its unchanged output still lets downstream hit", async () => {
    const root = tempProject();
    let n = 0;
    const stamp = dataset("stamp", z.number());
    const out = dataset("out", z.number());
    const p = pipeline([
      node({
        name: "volatile",
        outputs: { stamp },
        cache: false,
        run: () => {
          n++;
          return { stamp: 7 };
        },
      }),
      node({
        name: "use",
        inputs: { stamp },
        outputs: { out },
        run: ({ stamp }) => ({ out: stamp * 2 }),
      }),
    ]);
    await run(p, root);
    const again = await run(p, root);
    expect(statuses(again.record)).toEqual({ volatile: "ran", use: "cached" });
    expect(again.record.nodes[0]!.causes).toEqual([
      { kind: "no-cache", detail: "the node opts out of caching (cache: false)" },
    ]);
    expect(n).toBe(2);
  });

  test("an in-memory output that has no byte form is never cached, and its readers always run", async () => {
    const root = tempProject();
    const fn = dataset(
      "fn",
      z.custom<() => number>((v) => typeof v === "function"),
    );
    const out = dataset("out", z.number());
    const p = pipeline([
      node({ name: "make", outputs: { fn }, run: () => ({ fn: () => 3 }) }),
      node({ name: "call", inputs: { fn }, outputs: { out }, run: ({ fn }) => ({ out: fn() }) }),
    ]);
    const first = await run(p, root);
    expect(first.memory.get("out")).toBe(3);
    expect(first.record.nodes[0]!.outputs.fn).toMatch(/^volatile-/);
    const second = await run(p, root);
    expect(statuses(second.record)).toEqual({ make: "ran", call: "ran" });
  });
});

function walk(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).map((d) =>
      d.isDirectory() ? `${d.name}/` : d.name,
    );
  } catch {
    return [];
  }
  for (const n of names)
    out = n.endsWith("/") ? out.concat(walk(join(dir, n))) : out.concat(join(dir, n));
  return out;
}

/** Corrupts every blob, in files and in the log, so that only the hash check can tell. */
function corruptBlobs(root: string) {
  for (const f of walk(join(root, ".pipewright/cache/blobs")))
    writeFileSync(f, `${readFileSync(f, "utf8")}!`);
  editCacheLog(root, (kind, _id, data) =>
    kind === Kind.blob ? Buffer.concat([data, Buffer.from("!")]) : data,
  );
}
