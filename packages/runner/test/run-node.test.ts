import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataset, node, type Pipeline, pipeline, planHash } from "@pipewright/core";
import { DataStore } from "@pipewright/io";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { type S3Server, startS3Server } from "../../io/test/s3-server.ts";
import { preflight, type RunNodesOptions, runNodes } from "../src/index.ts";
import { plan, tempProject } from "./helpers.ts";

const raw = dataset("raw", z.array(z.number()));
const clean = dataset("clean", z.array(z.number()));
const total = dataset("total", z.number());
const scratch = dataset("scratch", z.number());
const calls: Record<string, number> = {};
const count = (n: string) => {
  calls[n] = (calls[n] ?? 0) + 1;
};

function build(): Pipeline {
  return pipeline([
    node({
      name: "clean",
      inputs: { raw },
      outputs: { clean, scratch },
      run: ({ raw }) => {
        count("clean");
        return { clean: raw.filter((x) => x > 0), scratch: 1 };
      },
    }),
    node({
      name: "total",
      inputs: { clean },
      outputs: { total },
      run: ({ clean }) => {
        count("total");
        return { total: clean.reduce((a, b) => a + b, 0) };
      },
    }),
    node({
      name: "use_scratch",
      inputs: { scratch },
      outputs: { total: dataset("other", z.number()) },
      run: ({ scratch }) => ({ total: scratch }),
    }),
  ]);
}

const entries = {
  raw: { type: "json", path: "data/raw.json" },
  clean: { type: "json", path: "data/clean.json" },
  total: { type: "json", path: "data/total.json" },
};

function project() {
  const root = tempProject();
  mkdirSync(join(root, "data"));
  writeFileSync(join(root, "data/raw.json"), "[-1, 2, 3]");
  return root;
}

function task(root: string, p: Pipeline, nodes: string[], extra: Partial<RunNodesOptions> = {}) {
  const compiled = plan(p, root, entries);
  return runNodes({
    root,
    plan: compiled,
    pipeline: p,
    store: new DataStore({ root }),
    nodes,
    planHash: planHash(compiled),
    ...extra,
  });
}

describe("runNodes (run-node)", () => {
  test("runs exactly the given node, reading its inputs from storage as another task left them", async () => {
    const root = project();
    const p = build();
    const first = await task(root, p, ["clean"]);
    expect(first.nodes.map((n) => [n.name, n.status])).toEqual([["clean", "ran"]]);
    expect(first.kind).toBe("run-node");
    const second = await task(root, p, ["total"], { runId: "wf-123" });
    expect(second.nodes.map((n) => [n.name, n.status])).toEqual([["total", "ran"]]);
    expect(second.id).toBe("wf-123-total");
    expect(second.planHash).toBe(planHash(plan(p, root, entries)));
    expect(second.nodes[0]!.inputs.clean).toBe(first.nodes[0]!.outputs.clean);
    expect(JSON.parse(readFileSync(join(root, "data/total.json"), "utf8"))).toBe(5);
  });

  test("a retried task hits the cache", async () => {
    const root = project();
    const p = build();
    await task(root, p, ["clean"]);
    await task(root, p, ["total"]);
    const before = { ...calls };
    const again = await task(root, p, ["total"]);
    expect(again.nodes[0]!.status).toBe("cached");
    expect(calls).toEqual(before);
  });

  test("refuses to run when the plan hash differs (PLAN_HASH_MISMATCH)", async () => {
    const root = project();
    const p = build();
    await expect(task(root, p, ["clean"], { planHash: "0".repeat(64) })).rejects.toMatchObject({
      code: "PLAN_HASH_MISMATCH",
      message: expect.stringMatching(
        /expects 0{64}: the image and the workflow manifest come from different code/,
      ),
    });
  });

  test("an unknown node is UNKNOWN_NODE with a suggestion", async () => {
    const root = project();
    await expect(task(root, build(), ["totl"])).rejects.toMatchObject({
      code: "UNKNOWN_NODE",
      message: expect.stringMatching(
        /"totl" is not in pipeline "__default__"\. Did you mean "total"\?/,
      ),
    });
  });

  test("an in-memory input from another task fails with MEMORY_CROSSES_TASK", async () => {
    const root = project();
    const { nodes } = await task(root, build(), ["use_scratch"]);
    expect(nodes[0]!.error!.code).toBe("MEMORY_CROSSES_TASK");
    expect(nodes[0]!.error!.message).toMatch(
      /reads in-memory dataset "scratch", but its producer "clean" does not run in this task/,
    );
  });

  test("preflight fails when an in-memory dataset would cross a task boundary", () => {
    const root = project();
    const compiled = plan(build(), root, entries);
    expect(() => preflight(compiled)).toThrow(
      expect.objectContaining({
        code: "MEMORY_CROSSES_TASK",
        message: expect.stringMatching(/in-memory dataset "scratch"/),
      }),
    );
    expect(() => preflight(compiled, { by: "memory" })).not.toThrow();
  });
});

describe("a shared cache on s3:// (s3rver on 127.0.0.1)", () => {
  let server: S3Server;
  beforeAll(async () => {
    server = await startS3Server(["cache"]);
  });
  afterAll(() => server?.stop());

  test("a task on another machine (another project folder) hits the cache a first task filled", async () => {
    const p = build();
    const cacheStorage = {
      env: {
        AWS_ENDPOINT_URL: server.endpoint,
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_REGION: "eu-west-1",
      },
    };
    const cacheDir = "s3://cache/team/pipewright";
    const one = project();
    const first = await task(one, p, ["clean"], { cacheDir, cacheStorage });
    expect(first.nodes[0]!.status).toBe("ran");
    // Another pod: a fresh checkout with the same input and no local state.
    const two = project();
    const second = await task(two, p, ["clean"], { cacheDir, cacheStorage });
    expect(second.nodes[0]!.status).toBe("cached");
    // Its outputs were restored from the shared blobs into this project's storage.
    expect(second.nodes[0]!.restored).toEqual(["clean"]);
    expect(JSON.parse(readFileSync(join(two, "data/clean.json"), "utf8"))).toEqual([2, 3]);
  });
});
