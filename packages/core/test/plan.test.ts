import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { compile, hashJson, PlanSchema, parsePlan, planHash, serializePlan } from "../src/index.ts";
import { built } from "./fixture-pipeline.ts";
import { linear, params } from "./fixtures.ts";

const catalog = {
  resolve: (id: string) =>
    id === "model" || id === "raw" ? { type: "json", uri: `data/${id}.json` } : undefined,
};

describe("plan", () => {
  test("validates against PlanSchema and holds what adapters need", () => {
    const plan = compile(linear(), { params, catalog, name: "demo" });
    expect(PlanSchema.safeParse(plan).success).toBe(true);
    expect(plan.order).toEqual(["clean", "features", "train", "score"]);
    const train = plan.nodes.find((n) => n.id === "train")!;
    expect(train.params).toEqual({ alpha: "model.alpha" });
    expect(train.location).toMatch(/^packages\/core\/test\/fixtures\.ts:\d+$/);
    expect(train.cacheKey).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.datasets.find((d) => d.id === "model")!.storage).toEqual({
      type: "json",
      uri: "data/model.json",
    });
    expect(plan.datasets.find((d) => d.id === "clean")!.storage).toEqual({ type: "memory" });
    const rawSchema = plan.schemas[plan.datasets.find((d) => d.id === "raw")!.schemaHash]!;
    expect(rawSchema.type).toBe("array");
    expect(plan.params).toEqual([
      expect.objectContaining({ id: "model.alpha", value: 0.5, consumers: ["train"] }),
    ]);
  });

  test("is byte-identical across compiles, processes and loaders (vitest, tsx)", () => {
    const text = serializePlan(compile(built, { params, catalog }));
    expect(serializePlan(compile(built, { params, catalog }))).toBe(text);
    const script = fileURLToPath(new URL("./print-plan.ts", import.meta.url));
    const other = execFileSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
    expect(other).toBe(text);
  });

  test("a param change changes only the cache keys of the nodes that read it", () => {
    const before = compile(linear(), { params });
    const after = compile(linear(), { params: { model: { alpha: 0.7 } } });
    const changed = before.nodes
      .filter((n, i) => n.cacheKey !== after.nodes[i]!.cacheKey)
      .map((n) => n.id);
    expect(changed).toEqual(["train"]);
  });

  test("a dataset's format and location are in the keys of its producer and its readers", () => {
    const rawOnly = {
      resolve: (id: string) => (id === "raw" ? { type: "csv", uri: "raw.csv" } : undefined),
    };
    const withModel = {
      resolve: (id: string) =>
        id === "model" ? { type: "json", uri: "m.json" } : rawOnly.resolve(id),
    };
    const before = compile(linear(), { params, catalog: rawOnly });
    const after = compile(linear(), { params, catalog: withModel });
    const changed = before.nodes
      .filter((n, i) => n.cacheKey !== after.nodes[i]!.cacheKey)
      .map((n) => n.id);
    expect(changed).toEqual(["train", "score"]);
    const moved = {
      resolve: (id: string) =>
        id === "model" ? { type: "json", uri: "elsewhere/m.json" } : rawOnly.resolve(id),
    };
    const afterMove = compile(linear(), { params, catalog: moved });
    expect(
      after.nodes.filter((n, i) => n.cacheKey !== afterMove.nodes[i]!.cacheKey).map((n) => n.id),
    ).toEqual(["train", "score"]);
  });

  test("the static cache key is the hash of the documented key object", () => {
    const plan = compile(linear(), { params, catalog });
    const train = plan.nodes.find((n) => n.id === "train")!;
    const schemaOf = (ds: string) => plan.datasets.find((d) => d.id === ds)!.schemaHash;
    const storageOf = (ds: string) => {
      const s = plan.datasets.find((d) => d.id === ds)!.storage;
      return {
        dataset: ds,
        schema: schemaOf(ds),
        format: s.type,
        location: s.uri ?? null,
        options: null,
      };
    };
    const expected = hashJson({
      keyFormat: 2,
      id: "train",
      code: train.codeHash,
      packages: plan.code[train.codeHash]!.packages,
      params: { alpha: plan.params[0]!.valueHash },
      inputs: { features: storageOf("features") },
      outputs: { model: storageOf("model") },
    });
    expect(train.cacheKey).toBe(expected);
  });

  test("planHash is the sha256 of the serialized plan", () => {
    const plan = compile(linear(), { params });
    expect(planHash(plan)).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(parsePlan(serializePlan(plan)))).toBe(planHash(plan));
  });

  test("parsePlan rejects bad JSON and bad shapes with the file name", () => {
    expect(() => parsePlan("{", "a.json")).toThrow(/a.json is not valid JSON/);
    expect(() => parsePlan(JSON.stringify({ irVersion: 1 }), "b.json")).toThrow(
      expect.objectContaining({
        code: "INVALID_PLAN",
        message: expect.stringContaining("b.json is not a valid pipewright plan"),
      }),
    );
    const plan = compile(linear(), { params });
    const broken = { ...plan, order: [...plan.order].reverse() };
    expect(() => parsePlan(JSON.stringify(broken), "c.json")).toThrow(/order must list node ids/);
  });
});
