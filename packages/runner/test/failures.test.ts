import { existsSync } from "node:fs";
import { dataset, node, pipeline } from "@pipewright/core";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import type { RunHooks } from "../src/index.ts";
import { run, statuses, tempProject } from "./helpers.ts";

const a = dataset("a", z.number());
const b = dataset("b", z.number());
const c = dataset("c", z.number());
const d = dataset("d", z.number());
const rows = dataset("rows", z.array(z.object({ id: z.number(), price: z.number() })));

function boom(): never {
  throw new TypeError("the model exploded");
}

/** a -> b -> c, and an independent d. "b" fails. */
function failing() {
  return pipeline([
    node({ name: "make_a", outputs: { a }, run: () => ({ a: 1 }) }),
    node({ name: "make_b", inputs: { a }, outputs: { b }, run: () => boom() }),
    node({ name: "make_c", inputs: { b }, outputs: { c }, run: ({ b }) => ({ c: b }) }),
    node({ name: "make_d", outputs: { d }, run: () => ({ d: 4 }) }),
  ]);
}

describe("failures", () => {
  test("a node that throws: NODE_FAILED naming the node, the original error kept as cause with its stack", async () => {
    const root = tempProject();
    const { record, events } = await run(failing(), root);
    expect(record.status).toBe("failed");
    const rec = record.nodes.find((n) => n.name === "make_b")!;
    expect(rec.status).toBe("failed");
    expect(rec.error!.code).toBe("NODE_FAILED");
    expect(rec.error!.message).toMatch(
      /^node "make_b" \(.*packages\/runner\/test\/failures\.test\.ts:\d+\) failed: the model exploded$/,
    );
    expect(rec.error!.cause).toMatchObject({ name: "TypeError", message: "the model exploded" });
    expect(rec.error!.cause!.stack).toMatch(/at boom .*failures\.test\.ts/);
    const failed = events.find((e) => e.type === "node-failed") as unknown as {
      error: Error & { code: string; cause: Error };
    };
    expect(failed.error.code).toBe("NODE_FAILED");
    expect(failed.error.cause).toBeInstanceOf(TypeError);
  });

  test("fail fast by default: everything not started is skipped, with a reason", async () => {
    const root = tempProject();
    const { record, events } = await run(failing(), root);
    // Plan order: make_a, make_b, make_c, make_d (ties by name).
    expect(statuses(record)).toEqual({
      make_a: "ran",
      make_b: "failed",
      make_c: "skipped",
      make_d: "skipped",
    });
    const skipped = events.filter((e) => e.type === "node-skipped") as {
      node: string;
      reason: string;
    }[];
    expect(skipped).toEqual([
      { type: "node-skipped", node: "make_c", reason: 'upstream node "make_b" failed' },
      {
        type: "node-skipped",
        node: "make_d",
        reason: expect.stringMatching(
          /node "make_b" failed and the run stops at the first failure/,
        ),
      },
    ]);
  });

  test("keepGoing: downstream of the failure is skipped, independent nodes still run", async () => {
    const root = tempProject();
    const { record } = await run(failing(), root, { keepGoing: true });
    expect(statuses(record)).toEqual({
      make_a: "ran",
      make_b: "failed",
      make_c: "skipped",
      make_d: "ran",
    });
    expect(record.status).toBe("failed");
    expect(record.options.keepGoing).toBe(true);
  });

  test("retries: a node that fails twice then succeeds, with retries 2", async () => {
    const root = tempProject();
    let calls = 0;
    const p = pipeline([
      node({
        name: "flaky",
        outputs: { a },
        retries: 2,
        run: () => {
          calls++;
          if (calls < 3) throw new Error(`attempt ${calls} failed`);
          return { a: calls };
        },
      }),
    ]);
    const { record, events } = await run(p, root);
    expect(record.nodes[0]).toMatchObject({ status: "ran", attempts: 3 });
    expect(
      events.filter((e) => e.type === "node-retry").map((e) => (e as { attempt: number }).attempt),
    ).toEqual([1, 2]);
    expect(events.filter((e) => e.type === "node-start").length).toBe(3);
  });

  test("retries run out: the last error is reported; the run option overrides the node's", async () => {
    const root = tempProject();
    let calls = 0;
    const p = pipeline([
      node({
        name: "bad",
        outputs: { a },
        retries: 5,
        run: () => {
          calls++;
          throw new Error(`no ${calls}`);
        },
      }),
    ]);
    const { record } = await run(p, root, { retries: 1 });
    expect(record.nodes[0]).toMatchObject({ status: "failed", attempts: 2 });
    expect(record.nodes[0]!.error!.message).toMatch(/failed: no 2$/);
    expect(calls).toBe(2);
  });

  test("a missing output key: OUTPUT_KEYS naming the node and the key", async () => {
    const root = tempProject();
    const p = pipeline([
      node({ name: "two", outputs: { a, b }, run: (() => ({ a: 1 })) as never }),
    ]);
    const { record } = await run(p, root);
    expect(record.nodes[0]!.error).toMatchObject({ code: "OUTPUT_KEYS" });
    expect(record.nodes[0]!.error!.message).toMatch(
      /node "two" .* returned the wrong keys: missing "b"\. Return exactly \{ a, b \}/,
    );
  });

  test("an extra output key: OUTPUT_KEYS naming the key; not retried", async () => {
    const root = tempProject();
    let calls = 0;
    const p = pipeline([
      node({
        name: "more",
        outputs: { a },
        retries: 3,
        run: (() => {
          calls++;
          return { a: 1, surprise: 2 };
        }) as never,
      }),
    ]);
    const { record } = await run(p, root);
    expect(record.nodes[0]!.error!.message).toMatch(
      /node "more" .* returned the wrong keys: extra "surprise"/,
    );
    expect(calls).toBe(1);
  });

  test("a non-object return: OUTPUT_KEYS", async () => {
    const root = tempProject();
    const p = pipeline([node({ name: "bare", outputs: { a }, run: (() => 5) as never })]);
    const { record } = await run(p, root);
    expect(record.nodes[0]!.error!.message).toMatch(
      /node "bare" .* returned number; it must return an object with the keys "a"/,
    );
  });

  test("an in-memory output failing its schema names node, dataset and path", async () => {
    const root = tempProject();
    const p = pipeline([
      node({
        name: "emit",
        outputs: { rows },
        run: (() => ({
          rows: [
            { id: 1, price: 2 },
            { id: 2, price: "3" },
          ],
        })) as never,
      }),
    ]);
    const { record } = await run(p, root);
    expect(record.nodes[0]!.error!.code).toBe("DATA_VALIDATION");
    expect(record.nodes[0]!.error!.message).toMatch(
      /node "emit" .* invalid value for output "rows" \(dataset "rows"\) at 1\.price: .*number/,
    );
  });

  test("a stored output failing its schema names node, dataset, row and field (from the DataStore)", async () => {
    const root = tempProject();
    const p = pipeline([
      node({
        name: "emit",
        outputs: { rows },
        run: (() => ({ rows: [{ id: 1, price: "x" }] })) as never,
      }),
    ]);
    const { record } = await run(p, root, {
      entries: { rows: { type: "json", path: "data/rows.json" } },
    });
    expect(record.nodes[0]!.error!.code).toBe("DATA_VALIDATION");
    expect(record.nodes[0]!.error!.message).toMatch(/node "emit".*dataset "rows".*row 0.*price/);
  });

  test("a missing stored free input fails its reader with SOURCE_NOT_FOUND", async () => {
    const root = tempProject();
    const p = pipeline([
      node({
        name: "read",
        inputs: { rows },
        outputs: { a },
        run: ({ rows }) => ({ a: rows.length }),
      }),
    ]);
    const { record } = await run(p, root, {
      entries: { rows: { type: "json", path: "data/rows.json" } },
    });
    expect(record.nodes[0]!.error!.code).toBe("SOURCE_NOT_FOUND");
    expect(record.nodes[0]!.error!.message).toMatch(
      /node "read" reads dataset "rows" \(data\/rows\.json\), which does not exist/,
    );
  });
});

describe("hooks", () => {
  test("are called in order with the node, its inputs and outputs; not for cache hits", async () => {
    const root = tempProject();
    const calls: string[] = [];
    const hooks: RunHooks = {
      beforeRun: ({ runId }) => void calls.push(`beforeRun ${runId}`),
      beforeNode: ({ node, inputs }) =>
        void calls.push(`before ${node.id} ${JSON.stringify(inputs)}`),
      afterNode: async ({ node, outputs, record }) =>
        void calls.push(`after ${node.id} ${JSON.stringify(outputs)} ${record.status}`),
      afterRun: (r) => void calls.push(`afterRun ${r.status}`),
    };
    const p = pipeline([
      node({ name: "one", outputs: { a }, run: () => ({ a: 1 }) }),
      node({ name: "two", inputs: { a }, outputs: { b }, run: ({ a }) => ({ b: a + 1 }) }),
    ]);
    await run(p, root, { hooks, runId: "r1" });
    expect(calls).toEqual([
      "beforeRun r1",
      "before one {}",
      'after one {"a":1} ran',
      'before two {"a":1}',
      'after two {"b":2} ran',
      "afterRun succeeded",
    ]);
    calls.length = 0;
    await run(p, root, { hooks, runId: "r2" });
    expect(calls).toEqual(["beforeRun r2", "afterRun succeeded"]);
  });

  test("onNodeError sees every failed attempt and whether another follows", async () => {
    const root = tempProject();
    const seen: [string, boolean, string][] = [];
    const p = pipeline([node({ name: "bad", outputs: { a }, retries: 1, run: () => boom() })]);
    await run(p, root, {
      hooks: {
        onNodeError: ({ node, willRetry, error }) =>
          void seen.push([node.id, willRetry, (error as Error & { code: string }).code]),
      },
    });
    expect(seen).toEqual([
      ["bad", true, "NODE_FAILED"],
      ["bad", false, "NODE_FAILED"],
    ]);
  });

  test("a throwing beforeNode hook fails that node", async () => {
    const root = tempProject();
    const p = pipeline([node({ name: "one", outputs: { a }, run: () => ({ a: 1 }) })]);
    const { record } = await run(p, root, {
      hooks: {
        beforeNode: () => {
          throw new Error("tracker down");
        },
      },
    });
    expect(record.nodes[0]!.status).toBe("failed");
    expect(record.nodes[0]!.error!.message).toBe("tracker down");
  });
});

describe("abort (Ctrl-C)", () => {
  test("stops scheduling, abandons the running node without writing its outputs", async () => {
    const root = tempProject();
    const controller = new AbortController();
    let release!: () => void;
    const p = pipeline([
      node({ name: "first", outputs: { a }, run: () => ({ a: 1 }) }),
      node({
        name: "slow",
        inputs: { a },
        outputs: { b },
        run: async ({ a }) => {
          if (!controller.signal.aborted) {
            // Ctrl-C arrives while this node is busy.
            controller.abort();
            await new Promise<void>((r) => (release = r));
          }
          return { b: a };
        },
      }),
      node({ name: "after", inputs: { b }, outputs: { c }, run: ({ b }) => ({ c: b }) }),
    ]);
    const { record, memory } = await run(p, root, {
      signal: controller.signal,
      entries: { b: { type: "json", path: "data/b.json" } },
    });
    release();
    expect(record.status).toBe("interrupted");
    expect(statuses(record)).toEqual({ first: "ran", slow: "skipped", after: "skipped" });
    expect(record.nodes[1]!.error!.code).toBe("RUN_INTERRUPTED");
    expect(memory.has("b")).toBe(false);
    expect(existsSync(`${root}/data/b.json`)).toBe(false);
    // Nothing was cached for the abandoned node: the next run runs it.
    const again = await run(p, root, { entries: { b: { type: "json", path: "data/b.json" } } });
    expect(statuses(again.record)).toEqual({ first: "cached", slow: "ran", after: "ran" });
  });

  test("a node past its timeout fails (NODE_FAILED, timed out) and its result is ignored", async () => {
    const root = tempProject();
    const p = pipeline([
      node({
        name: "sleepy",
        outputs: { a },
        timeout: 0.05,
        run: async () => {
          await new Promise((r) => setTimeout(r, 2_000));
          return { a: 1 };
        },
      }),
    ]);
    const { record, memory } = await run(p, root);
    expect(record.nodes[0]!.error).toMatchObject({
      code: "NODE_FAILED",
      message: expect.stringMatching(/node "sleepy" timed out after 0.05s/),
    });
    expect(memory.has("a")).toBe(false);
  });

  test("an already aborted signal runs nothing", async () => {
    const root = tempProject();
    const controller = new AbortController();
    controller.abort();
    const { record } = await run(failing(), root, { signal: controller.signal });
    expect(record.status).toBe("interrupted");
    expect(new Set(record.nodes.map((n) => n.status))).toEqual(new Set(["skipped"]));
  });
});
