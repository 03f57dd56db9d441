// What run-node does differently from a local run, because an engine runs it: one
// attempt per node (the engine retries), state where the container may write, and
// runtime params in the key of the nodes that read them.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { dataset, node, param, pipeline, planHash } from "@pipewright/core";
import { DataStore } from "@pipewright/io";
import { afterEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { runNodes, runPipeline, STATE_DIR_ENV, stateDir } from "../src/index.ts";
import { plan, tempProject } from "./helpers.ts";

const out = dataset("out", z.number());
const entries = { out: { type: "json", path: "data/out.json" } };

afterEach(() => {
  delete process.env[STATE_DIR_ENV];
});

describe("run-node and retries", () => {
  test("a node with retries gets one attempt in run-node: the engine owns retries", async () => {
    const root = tempProject();
    let calls = 0;
    const p = pipeline([
      node({
        name: "flaky",
        outputs: { out },
        retries: 2,
        run: () => {
          calls++;
          throw new Error("down");
        },
      }),
    ]);
    const compiled = plan(p, root, entries);
    const record = await runNodes({ root, plan: compiled, pipeline: p, nodes: ["flaky"] });
    expect(record.nodes[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect(calls).toBe(1);
    // A local run still applies the node's retries.
    calls = 0;
    await runPipeline({ root, plan: compiled, pipeline: p, cache: false });
    expect(calls).toBe(3);
  });
});

describe("state dir", () => {
  test("PIPEWRIGHT_STATE_DIR moves run records and the default cache out of the project", async () => {
    const root = tempProject();
    const state = join(tempProject(), "state");
    process.env[STATE_DIR_ENV] = state;
    expect(stateDir(root)).toBe(state);
    const p = pipeline([node({ name: "one", outputs: { out }, run: () => ({ out: 1 }) })]);
    await runPipeline({ root, plan: plan(p, root, entries), pipeline: p });
    expect(readdirSync(join(state, "runs"))).toHaveLength(1);
    expect(existsSync(join(state, "cache"))).toBe(true);
    expect(existsSync(join(root, ".pipewright"))).toBe(false);
  });

  test("defaults to <root>/.pipewright when the project is writable", () => {
    const root = tempProject();
    expect(stateDir(root, {})).toBe(join(root, ".pipewright"));
  });
});

describe("runtime params in the key", () => {
  const day = param("day", z.string(), { runtime: true });
  const stamp = dataset("stamp", z.string());
  let calls = 0;
  const p = pipeline([
    node({
      name: "stamp",
      inputs: { day },
      outputs: { stamp },
      run: ({ day }) => {
        calls++;
        return { stamp: `on ${day}` };
      },
    }),
  ]);
  const where = { stamp: { type: "json", path: "data/stamp.json" } };
  const task = (root: string, value: string) => {
    const compiled = plan(p, root, where, { day: value });
    return runNodes({
      root,
      plan: compiled,
      pipeline: p,
      nodes: ["stamp"],
      store: new DataStore({ root }),
      planHash: planHash(compiled),
    });
  };

  test("another value submitted is a miss with a param cause; the same value a hit", async () => {
    const root = tempProject();
    calls = 0;
    const first = await task(root, "2026-01-01");
    const second = await task(root, "2026-01-02");
    expect(second.nodes[0]!.status).toBe("ran");
    expect(second.nodes[0]!.cacheKey).not.toBe(first.nodes[0]!.cacheKey);
    expect(second.nodes[0]!.causes).toEqual([
      expect.objectContaining({ kind: "param", name: "day", old: "2026-01-01", new: "2026-01-02" }),
    ]);
    const third = await task(root, "2026-01-02");
    expect(third.nodes[0]!.status).toBe("cached");
    expect(calls).toBe(2);
  });
});
