import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CompileError, compile } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { classifier } from "../src/pipelines/classifier.ts";

const root = join(import.meta.dirname, "..");
const params = YAML.parse(readFileSync(join(root, "conf/params.yaml"), "utf8"));

describe("iris-like pipeline", () => {
  it("splits, trains, predicts and evaluates", () => {
    const plan = compile(classifier(), { root, params });
    expect(plan.order).toEqual(["split_data", "train_model", "predict", "evaluate"]);
    expect(plan.inputs).toEqual(["flowers"]);
    expect(plan.datasets.find((d) => d.id === "metrics")!.kind).toBe("metrics");
  });

  it("gives k to predict alone, so changing k leaves the split and training cached", () => {
    const plan = compile(classifier(), { root, params });
    const readers = Object.fromEntries(plan.params.map((p) => [p.id, p.consumers]));
    expect(readers).toEqual({
      "model.features": ["train_model"],
      "model.k": ["predict"],
      "split.seed": ["split_data"],
      "split.test_fraction": ["split_data"],
    });
    const other = compile(classifier(), {
      root,
      params: { ...params, model: { ...params.model, k: 15 } },
    });
    const changed = plan.nodes
      .filter((n, i) => n.cacheKey !== other.nodes[i]!.cacheKey)
      .map((n) => n.id);
    expect(changed).toEqual(["predict"]);
  });

  it("rejects k = 0 and an unknown feature", () => {
    const bad = { ...params, model: { k: 0, features: ["stem_length"] } };
    expect(() => compile(classifier(), { root, params: bad })).toThrow(CompileError);
    expect(() => compile(classifier(), { root, params: bad })).toThrow(
      /2 problems[\s\S]*model\.features[\s\S]*model\.k|model\.k[\s\S]*model\.features/,
    );
  });
});
