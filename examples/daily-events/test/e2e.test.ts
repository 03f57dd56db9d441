import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyProject } from "../../test-support/project.ts";
import { addDay } from "../scripts/generate-data.ts";

// The real CLI, spawned in a copy of this project: the README's workflow.
const project = copyProject(join(import.meta.dirname, ".."));
afterAll(() => project.remove());

const events = join(project.dir, "data/01_raw/events");
const readJson = (path: string) => JSON.parse(readFileSync(join(project.dir, path), "utf8"));
type Rec = {
  id: string;
  nodes: { name: string; status: string; partitions?: { name: string; status: string }[] }[];
};
const node = (r: Rec, name: string) => r.nodes.find((n) => n.name === name)!;
/** How many partitions of a map node had each status. */
const counts = (r: Rec, name: string) => {
  const out: Record<string, number> = {};
  for (const p of node(r, name).partitions ?? []) out[p.status] = (out[p.status] ?? 0) + 1;
  return out;
};

describe("daily-events: incremental runs over daily partitions", { timeout: 300_000 }, () => {
  const ids: string[] = [];

  it("first run: every day is cleaned and aggregated, then the report", async () => {
    const r: Rec = await project.json("run");
    ids.push(r.id);
    expect(counts(r, "clean_events")).toEqual({ ran: 7 });
    expect(counts(r, "aggregate_day")).toEqual({ ran: 7 });
    expect(node(r, "build_report").status).toBe("ran");
    const report = readJson("data/08_reporting/report.json");
    expect(report.days.map((d: { day: string }) => d.day)).toEqual([
      "2024-03-01",
      "2024-03-02",
      "2024-03-03",
      "2024-03-04",
      "2024-03-05",
      "2024-03-06",
      "2024-03-07",
    ]);
    // Seeded data: the same numbers on every machine.
    expect(readJson("data/08_reporting/summary.json")).toEqual({
      days: 7,
      events: 361,
      revenue: 2122.36,
    });
  });

  it("a second run is served from the cache", async () => {
    const r: Rec = await project.json("run");
    expect(r.nodes.map((n) => n.status)).toEqual(["cached", "cached", "cached"]);
  });

  it("after adding a day, status says one partition would run, and run runs that day only", async () => {
    expect(addDay(events)).toBe("2024-03-08");
    const status = await project.json("status");
    const clean = status.nodes.find((n: { name: string }) => n.name === "clean_events");
    expect(clean.partitions).toMatchObject({ total: 8, run: 1, new: { names: ["2024-03-08"] } });
    const human = await project.cli("status");
    expect(human.stdout).toMatch(/clean_events would run 1 of 8 partitions/);

    const r: Rec = await project.json("run");
    ids.push(r.id);
    expect(counts(r, "clean_events")).toEqual({ cached: 7, ran: 1 });
    expect(counts(r, "aggregate_day")).toEqual({ cached: 7, ran: 1 });
    expect(node(r, "build_report").status).toBe("ran");
    expect(readJson("data/08_reporting/summary.json").days).toBe(8);
  });

  it("runs diff shows the new partition", async () => {
    const diff = await project.json("runs", "diff", ids[0]!, ids[1]!);
    const clean = diff.partitions.find((p: { node: string }) => p.node === "clean_events");
    expect(clean).toMatchObject({ added: ["2024-03-08"], removed: [], changed: [], same: 7 });
  });

  it("viz draws the map nodes as stacks with the partition count of the run", async () => {
    const out = await project.cli("viz", "--run", "latest", "--out", "pipeline.html");
    expect(out.code).toBe(0);
    const html = readFileSync(join(project.dir, "pipeline.html"), "utf8");
    expect(html).toContain('"map":{"over":"events","source":"partitions"}');
    expect(html).toMatch(/"partitions":8/);
    const mermaid = await project.cli("viz", "--format", "mermaid");
    expect(mermaid.stdout).toContain('[["clean_events (per partition)"]]');
  });

  it("a removed day: the report reruns without it and its cleaned file is deleted", async () => {
    rmSync(join(events, "2024-03-02.jsonl"));
    const r: Rec = await project.json("run");
    expect(counts(r, "clean_events")).toEqual({ cached: 7 });
    expect(node(r, "build_report").status).toBe("ran");
    expect(existsSync(join(project.dir, "data/02_intermediate/events/2024-03-02.jsonl"))).toBe(
      false,
    );
    expect(readJson("data/08_reporting/summary.json").days).toBe(7);
  });

  it("a bad day fails naming the partition and row; --keep-going still runs the others", async () => {
    addDay(events); // 2024-03-09
    writeFileSync(
      join(events, "2024-03-10.jsonl"),
      '{"id":"x1","ts":"2024-03-10T00:00:00Z","user":"u1","type":"view","amount":null}\n{"id":"x2","ts":"2024-03-10T00:01:00Z","user":"u1","type":"refund","amount":null}\n',
    );
    const failed = await project.cli("run", "--parallel", "2");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/clean_events": 1 of 9 partitions failed \("2024-03-10"\)/);
    expect(failed.stderr).toMatch(
      /2024-03-10: .*dataset "raw_events" partition "2024-03-10" \(data\/01_raw\/events\/2024-03-10.jsonl line 2\), row 1, field "type"/,
    );
    const going = await project.cli("run", "--keep-going", "--json");
    expect(going.code).toBe(1);
    const r: Rec = JSON.parse(going.stdout);
    const parts = Object.fromEntries(
      node(r, "clean_events").partitions!.map((p) => [p.name, p.status]),
    );
    expect(parts["2024-03-10"]).toBe("failed");
    expect(parts["2024-03-09"]).not.toBe("skipped");
    expect(node(r, "build_report").status).toBe("skipped");
  });

  it("runs as an engine would: a listing task, one run-node per batch, then the fan-in", async () => {
    rmSync(join(events, "2024-03-10.jsonl")); // the bad day of the previous step
    const list = await project.cli("run-node", "--node", "clean_events", "--fan-out", "3");
    expect(list.code).toBe(0);
    const batches: string[] = JSON.parse(list.stdout);
    expect(batches).toHaveLength(3);
    expect(batches[0]).toMatch(/^0\/3@[0-9a-f]{16}$/);
    for (const b of batches) {
      const r = await project.cli(
        "run-node",
        "--node",
        "clean_events",
        "--batch",
        b,
        "--run-id",
        "wf",
      );
      expect(r.code, r.stderr).toBe(0);
    }
    for (const b of JSON.parse(
      (await project.cli("run-node", "--node", "aggregate_day", "--fan-out", "2")).stdout,
    ) as string[]) {
      const r = await project.cli("run-node", "--node", "aggregate_day", "--batch", b);
      expect(r.code, r.stderr).toBe(0);
    }
    const fanIn = await project.cli("run-node", "--node", "build_report");
    expect(fanIn.code, fanIn.stderr).toBe(0);
    expect(readJson("data/08_reporting/summary.json").days).toBe(8);
    // A batch listed before the partitions changed refuses to run.
    addDay(events);
    const stale = await project.cli("run-node", "--node", "clean_events", "--batch", batches[0]!);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/partitions changed after the workflow listed them/);
  });

  it("compiles to an Argo workflow that fans the map nodes out", async () => {
    const out = await project.cli("compile", "--target", "argo", "--out", "argo.yaml");
    expect(out.code, out.stderr).toBe(0);
    const text = readFileSync(join(project.dir, "argo.yaml"), "utf8");
    expect(text).toContain('withParam: "{{tasks.clean-events-list.outputs.parameters.batches}}"');
    expect(text).toContain('- --fan-out\n          - "20"');
    const validator = join(import.meta.dirname, "../../../../shared/tools/argo-validate.mjs");
    if (existsSync(validator)) {
      const r = spawnSync(process.execPath, [validator, join(project.dir, "argo.yaml")], {
        encoding: "utf8",
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });

  it("compiles to a plan that marks the map nodes", async () => {
    const out = await project.cli("compile", "--target", "local");
    expect(out.code).toBe(0);
    const plan = JSON.parse(out.stdout);
    expect(plan.irVersion).toBe(3);
    expect(plan.nodes.map((n: { id: string; map?: unknown }) => [n.id, n.map ?? null])).toEqual([
      ["clean_events", { over: "events", source: "partitions" }],
      ["aggregate_day", { over: "events", source: "partitions" }],
      ["build_report", null],
    ]);
  });
});
