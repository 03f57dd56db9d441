import { fileURLToPath } from "node:url";
import { dataset, node, pipeline } from "@pipewright/core";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { closeWorkers, startWorkers } from "../src/index.ts";
import { cpuPipeline, mixedPipeline, spin } from "./fixtures/cpu-pipeline.ts";
import { run, statuses, tempProject } from "./helpers.ts";

const module = fileURLToPath(new URL("./fixtures/cpu-pipeline.ts", import.meta.url));

describe("parallel", () => {
  test("with worker threads: nodes run in several threads and give the sequential results", async () => {
    const p = cpuPipeline(4);
    const seq = await run(p, tempProject(), { paramValues: { iterations: 20_000 }, cache: false });
    const par = await run(p, tempProject(), {
      paramValues: { iterations: 20_000 },
      cache: false,
      parallel: 2,
      worker: { module, pipeline: "cpu4" },
    });
    expect(par.record.status).toBe("succeeded");
    const values = (m: Map<string, unknown>) =>
      [...m].map(([k, v]) => [k, (v as { value: number }).value]).sort();
    expect(values(par.memory)).toEqual(values(seq.memory));
    expect(values(par.memory)[0]![1]).toBe(spin(20_000, 0));
    const threads = new Set([...par.memory.values()].map((v) => (v as { thread: number }).thread));
    expect(threads.has(0)).toBe(false); // not the main thread
    expect(threads.size).toBe(2);
    expect(par.record.options.parallel).toBe(2);
  });

  test("with worker threads: dependencies, in-memory values between threads, and a worker-side failure", async () => {
    const p = mixedPipeline();
    const { record, memory } = await run(p, tempProject(), {
      paramValues: { iterations: 1000 },
      parallel: 2,
      keepGoing: true,
      worker: { module, pipeline: "mixed" },
    });
    expect(statuses(record)).toMatchObject({ combine: "ran", explode: "failed" });
    const expected = [0, 1, 2, 3].reduce((a, i) => a + spin(1000, i), 0);
    expect(memory.get("total")).toBe(expected);
    const err = record.nodes.find((n) => n.name === "explode")!.error!;
    expect(err.code).toBe("NODE_FAILED");
    expect(err.message).toMatch(/node "explode" .* failed: worker-side failure/);
    expect(err.cause).toMatchObject({ name: "RangeError", message: "worker-side failure" });
    expect(err.cause!.stack).toMatch(/cpu-pipeline\.ts/);
  });

  test("with worker threads: an abort terminates the busy workers; nothing they computed is written", async () => {
    const controller = new AbortController();
    const p = cpuPipeline(4);
    const pending = run(p, tempProject(), {
      paramValues: { iterations: 2_000_000_000 },
      cache: false,
      parallel: 2,
      worker: { module, pipeline: "cpu4" },
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "node-start" && e.node === "burn_1")
          setTimeout(() => controller.abort(), 50);
      },
    });
    const { record, memory } = await pending;
    expect(record.status).toBe("interrupted");
    expect(statuses(record)).toEqual({
      burn_0: "skipped",
      burn_1: "skipped",
      burn_2: "skipped",
      burn_3: "skipped",
    });
    expect(record.nodes[0]!.error!.code).toBe("RUN_INTERRUPTED");
    expect(memory.size).toBe(0);
  });

  test("worker.keep: a later run reuses the same threads; closeWorkers ends them", async () => {
    const p = cpuPipeline(4);
    const o = {
      paramValues: { iterations: 1000 },
      cache: false,
      parallel: 2,
      worker: { module, pipeline: "cpu4", keep: true },
    } as const;
    const threads = (m: Map<string, unknown>) =>
      new Set([...m.values()].map((v) => (v as { thread: number }).thread));
    const first = await run(p, tempProject(), o);
    const second = await run(p, tempProject(), o);
    expect(threads(second.memory)).toEqual(threads(first.memory));
    await closeWorkers();
    const third = await run(p, tempProject(), o);
    expect([...threads(third.memory)].some((t) => threads(first.memory).has(t))).toBe(false);
    await closeWorkers();
  });

  test("startWorkers boots the kept threads before the run that uses them", async () => {
    startWorkers({ module, pipeline: "cpu4", parallel: 2 });
    const p = cpuPipeline(4);
    const { record, memory } = await run(p, tempProject(), {
      paramValues: { iterations: 1000 },
      cache: false,
      parallel: 2,
      worker: { module, pipeline: "cpu4", keep: true },
    });
    expect(record.status).toBe("succeeded");
    expect(new Set([...memory.values()].map((v) => (v as { thread: number }).thread)).size).toBe(2);
    await closeWorkers();
  });

  test("a worker that cannot load the pipeline fails the nodes with a clear message", async () => {
    const { record } = await run(cpuPipeline(2), tempProject(), {
      paramValues: { iterations: 10 },
      cache: false,
      parallel: 2,
      worker: { module, pipeline: "nope" },
    });
    expect(record.status).toBe("failed");
    expect(record.nodes[0]!.error!.message).toMatch(
      /could not load .*cpu-pipeline\.ts: .*has no pipeline "nope" \(it has: cpu, cpu4, mixed\)/,
    );
  });

  test("in-process (no worker): up to `parallel` async nodes at once, in plan order", async () => {
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    const outs = Array.from({ length: 6 }, (_, i) => dataset(`o${i}`, z.number()));
    const p = pipeline(
      outs.map((o, i) =>
        node({
          name: `io_${i}`,
          outputs: { o },
          run: async () => {
            order.push(`io_${i}`);
            peak = Math.max(peak, ++running);
            await new Promise((r) => setTimeout(r, 20));
            running--;
            return { o: i };
          },
        }),
      ),
    );
    const { record } = await run(p, tempProject(), { parallel: 3 });
    expect(record.status).toBe("succeeded");
    expect(peak).toBe(3);
    expect(order).toEqual(["io_0", "io_1", "io_2", "io_3", "io_4", "io_5"]);
  });

  test("fail fast in parallel: running nodes finish, nothing new starts", async () => {
    const a = dataset("a", z.number());
    const b = dataset("b", z.number());
    const c = dataset("c", z.number());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const p = pipeline([
      node({
        name: "a_slow",
        outputs: { a },
        run: async () => {
          await gate;
          return { a: 1 };
        },
      }),
      node({
        name: "b_fail",
        outputs: { b },
        run: () => {
          release();
          return Promise.reject(new Error("no"));
        },
      }),
      node({ name: "c_later", outputs: { c }, run: () => ({ c: 3 }) }),
    ]);
    const { record } = await run(p, tempProject(), { parallel: 2 });
    expect(statuses(record)).toEqual({ a_slow: "ran", b_fail: "failed", c_later: "skipped" });
  });
});
