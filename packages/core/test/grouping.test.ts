import { describe, expect, test } from "vitest";
import { z } from "zod";
import { compile, dataset, groupTasks, node, pipeline, type StorageBinding } from "../src/index.ts";
import { linear, params } from "./fixtures.ts";

const persisted = (ids: string[]) => ({
  resolve: (id: string): StorageBinding | undefined =>
    ids.includes(id) ? { type: "json", uri: `s3://b/${id}.json` } : undefined,
});

describe("groupTasks", () => {
  test("by node: one task per node, dependencies from datasets", () => {
    const plan = compile(linear(), {
      params,
      catalog: persisted(["raw", "clean", "features", "model", "score"]),
    });
    const tasks = groupTasks(plan);
    expect(tasks.map((t) => [t.id, t.dependsOn])).toEqual([
      ["clean", []],
      ["features", ["clean"]],
      ["train", ["features"]],
      ["score", ["features", "train"]],
    ]);
  });

  test("an in-memory dataset crossing a task boundary is an error naming it", () => {
    const plan = compile(linear(), { params, catalog: persisted(["raw", "clean", "score"]) });
    expect(() => groupTasks(plan)).toThrow(
      expect.objectContaining({
        code: "MEMORY_CROSSES_TASK",
        message: expect.stringContaining('"features"'),
      }),
    );
  });

  test("an in-memory free input is an error too", () => {
    const listed = persisted(["clean", "features", "model", "score"]);
    const catalog = {
      resolve: (id: string) => (id === "raw" ? { type: "memory" } : listed.resolve(id)),
    };
    const plan = compile(linear(), { params, catalog });
    expect(() => groupTasks(plan)).toThrow(/"raw" would have to travel from outside the pipeline/);
  });

  test("by memory: nodes joined by in-memory datasets fuse into one task", () => {
    const plan = compile(linear(), { params, catalog: persisted(["raw", "clean", "score"]) });
    const tasks = groupTasks(plan, { by: "memory" });
    expect(tasks.map((t) => [t.id, t.nodes, t.dependsOn])).toEqual([
      ["clean", ["clean"], []],
      ["features", ["features", "train", "score"], ["clean"]],
    ]);
  });

  test("by namespace: one task per namespace", () => {
    const p = pipeline([
      linear().namespace("a", { inputs: ["raw"] }),
      linear().namespace("b", { inputs: ["raw"] }),
    ]);
    const plan = compile(p, {
      params: { a: params, b: params },
      catalog: persisted(["raw", "a.score", "b.score"]),
    });
    const tasks = groupTasks(plan, { by: "namespace" });
    expect(tasks.map((t) => [t.id, t.nodes.length, t.namespace])).toEqual([
      ["a", 4, "a"],
      ["b", 4, "b"],
    ]);
  });

  test("by tag: nodes sharing the first listed tag share a task", () => {
    const plan = compile(linear(), { params, catalog: persisted(["raw", "features", "score"]) });
    const tasks = groupTasks(plan, { by: "tag", tags: ["prep", "ml"] });
    expect(tasks.map((t) => [t.id, t.nodes])).toEqual([
      ["tag:prep", ["clean", "features"]],
      ["tag:ml", ["train", "score"]],
    ]);
  });

  test("a grouping that makes tasks wait on each other is a CYCLE error", () => {
    const n = z.number();
    const [a, b, c, d] = ["a", "b", "c", "d"].map((x) => dataset(x, n));
    const step = (name: string, i: typeof a, o: typeof a, tags: string[]) =>
      node({ name, inputs: { i: i! }, outputs: { o: o! }, run: ({ i }) => ({ o: i }), tags });
    const p = pipeline([
      step("one", a!, b!, ["t"]),
      step("two", b!, c!, []),
      step("three", c!, d!, ["t"]),
    ]);
    const plan = compile(p, { catalog: persisted(["a", "b", "c", "d"]) });
    expect(() => groupTasks(plan, { by: "tag" })).toThrow(
      expect.objectContaining({ code: "CYCLE" }),
    );
  });

  test("an unknown grouping is an error", () => {
    const plan = compile(linear(), { params });
    expect(() => groupTasks(plan, { by: "pod" as never })).toThrow(/unknown grouping "pod"/);
  });
});
