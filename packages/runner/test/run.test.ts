import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataset, metrics, node, param, pipeline } from "@pipewright/core";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import type { RunRecord } from "../src/index.ts";
import { plan, run, statuses, tempProject } from "./helpers.ts";

const raw = dataset("raw", z.array(z.number()));
const doubled = dataset("doubled", z.array(z.number()));
const total = dataset("total", z.number());
const scores = metrics("scores", z.object({ mean: z.number(), n: z.number() }));
const factor = param("model.factor", z.number());

function linear() {
  return pipeline([
    node({ name: "load", outputs: { raw }, run: () => ({ raw: [1, 2, 3] }) }),
    node({
      name: "double",
      inputs: { raw, factor },
      outputs: { doubled },
      run: ({ raw, factor }) => ({ doubled: raw.map((x) => x * factor) }),
    }),
    node({
      name: "sum",
      inputs: { doubled },
      outputs: { total },
      run: ({ doubled }) => ({ total: doubled.reduce((a, b) => a + b, 0) }),
    }),
    node({
      name: "score",
      inputs: { doubled, total },
      outputs: { scores },
      run: ({ doubled, total }) => ({
        scores: { mean: total / doubled.length, n: doubled.length },
      }),
    }),
  ]);
}

describe("runPipeline", () => {
  test("runs every node in order and hands in-memory values downstream", async () => {
    const root = tempProject();
    const { record, memory, events } = await run(linear(), root, {
      paramValues: { model: { factor: 2 } },
    });
    expect(record.status).toBe("succeeded");
    expect(statuses(record)).toEqual({ load: "ran", double: "ran", sum: "ran", score: "ran" });
    expect(memory.get("total")).toBe(12);
    expect(memory.get("scores")).toEqual({ mean: 4, n: 3 });
    const starts = events
      .filter((e) => e.type === "node-start")
      .map((e) => (e as { node: string }).node);
    expect(starts).toEqual(["load", "double", "sum", "score"]);
    expect(events[0]!.type).toBe("run-start");
    expect(events.at(-1)!.type).toBe("run-done");
  });

  test("writes the run record with the DESIGN.md fields", async () => {
    const root = tempProject();
    const { record } = await run(linear(), root, { paramValues: { model: { factor: 2 } } });
    expect(record.id).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[a-z0-9]{4}$/);
    const file = join(root, ".pipewright", "runs", `${record.id}.json`);
    const onDisk = JSON.parse(readFileSync(file, "utf8")) as RunRecord;
    // The file's format (2: map nodes' partitions by column, see docs/run-records.md).
    expect(onDisk).toEqual({ format: 2, ...record });
    expect(Object.keys(onDisk)).toEqual(
      expect.arrayContaining([
        "id",
        "pipeline",
        "status",
        "startedAt",
        "finishedAt",
        "params",
        "nodes",
      ]),
    );
    expect(onDisk.pipeline).toBe("__default__");
    expect(onDisk.params).toEqual({ "model.factor": 2 });
    expect(Date.parse(onDisk.finishedAt)).toBeGreaterThanOrEqual(Date.parse(onDisk.startedAt));
    expect(onDisk.gitCommit).toBeUndefined();
    const double = onDisk.nodes.find((n) => n.name === "double")!;
    expect(Object.keys(double)).toEqual(
      expect.arrayContaining(["name", "status", "durationMs", "cacheKey", "inputs", "outputs"]),
    );
    expect(double.cacheKey).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(double.inputs)).toEqual(["raw"]);
    expect(double.inputs.raw).toBe(onDisk.nodes[0]!.outputs.raw);
    expect(double.outputs.doubled).toMatch(/^[0-9a-f]{32}$/);
    expect(onDisk.counts).toEqual({ ran: 4, cached: 0, failed: 0, skipped: 0 });
  });

  test("copies metrics outputs into the node record, also when cached", async () => {
    const root = tempProject();
    const first = await run(linear(), root, { paramValues: { model: { factor: 2 } } });
    expect(first.record.nodes.find((n) => n.name === "score")!.metrics).toEqual({
      scores: { mean: 4, n: 3 },
    });
    const second = await run(linear(), root, { paramValues: { model: { factor: 2 } } });
    const score = second.record.nodes.find((n) => n.name === "score")!;
    expect(score.status).toBe("cached");
    expect(score.metrics).toEqual({ scores: { mean: 4, n: 3 } });
  });

  test("uses the given run id, pipeline name and params", async () => {
    const root = tempProject();
    const { record } = await run(linear(), root, {
      paramValues: { model: { factor: 1 } },
      runId: "my-run",
      pipelineName: "training",
      params: { model: { factor: 1 }, extra: true },
    });
    expect(record.id).toBe("my-run");
    expect(record.pipeline).toBe("training");
    expect(record.params).toEqual({ model: { factor: 1 }, extra: true });
    expect(existsSync(join(root, ".pipewright", "runs", "my-run.json"))).toBe(true);
  });

  test("stores catalog datasets through the DataStore", async () => {
    const root = tempProject();
    await run(linear(), root, {
      paramValues: { model: { factor: 3 } },
      entries: {
        total: { type: "json", path: "data/total.json" },
        doubled: { type: "json", path: "data/doubled.json" },
      },
    });
    expect(JSON.parse(readFileSync(join(root, "data/total.json"), "utf8"))).toBe(18);
    expect(JSON.parse(readFileSync(join(root, "data/doubled.json"), "utf8"))).toEqual([3, 6, 9]);
  });

  test("records the git commit of the repository holding the root", async () => {
    const root = tempProject();
    const sha = "0123456789abcdef0123456789abcdef01234567";
    mkdirSync(join(root, ".git", "refs", "heads"), { recursive: true });
    writeFileSync(join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(root, ".git", "refs", "heads", "main"), `${sha}\n`);
    const project = join(root, "project");
    mkdirSync(project);
    const { record } = await run(linear(), project, { paramValues: { model: { factor: 2 } } });
    expect(record.gitCommit).toBe(sha);
  });

  test("an in-memory input nobody provides fails the node; one given in `memory` is used", async () => {
    const root = tempProject();
    const p = pipeline([
      node({
        name: "sum",
        inputs: { doubled },
        outputs: { total },
        run: ({ doubled }) => ({ total: doubled.length }),
      }),
    ]);
    const missing = await run(p, root);
    expect(missing.record.status).toBe("failed");
    expect(missing.record.nodes[0]!.error!.message).toMatch(/in-memory dataset "doubled"/);
    const given = await run(p, root, { memory: new Map([["doubled", [1, 2]]]) });
    expect(given.record.status).toBe("succeeded");
    expect(given.memory.get("total")).toBe(2);
  });

  test("a plan node missing from the pipeline fails clearly", async () => {
    const root = tempProject();
    const p = linear();
    const other = pipeline([node({ name: "load", outputs: { raw }, run: () => ({ raw: [] }) })]);
    await expect(
      run(other, root, { plan: plan(p, root, undefined, { model: { factor: 1 } }) }),
    ).rejects.toMatchObject({
      code: "UNKNOWN_NODE",
      message: expect.stringMatching(/"double", "sum", "score" are not in the pipeline/),
    });
  });
});
