import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CompileError, compile, ErrorCode } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { dataProcessing } from "../src/pipelines/data-processing.ts";
import { dataScience } from "../src/pipelines/data-science.ts";
import { all } from "../src/pipelines/index.ts";

const root = join(import.meta.dirname, "..");
const params = YAML.parse(readFileSync(join(root, "conf/params.yaml"), "utf8"));

describe("spaceflights pipelines", () => {
  it("runs the modelling pipeline twice, under active and candidate", () => {
    const plan = compile(all(), { root, params });
    expect(plan.order).toEqual([
      "preprocess_companies",
      "preprocess_shuttles",
      "create_model_input_table",
      "active.split_data",
      "active.train_model",
      "active.evaluate_model",
      "candidate.split_data",
      "candidate.train_model",
      "candidate.evaluate_model",
    ]);
    expect(plan.inputs).toEqual(["companies", "reviews", "shuttles"]);
    expect(plan.outputs).toEqual(["active.metrics", "candidate.metrics"]);
    // Both variants read the one shared table; each reads its own params.
    const table = plan.datasets.find((d) => d.id === "model_input_table")!;
    expect(table.consumers).toEqual(["active.split_data", "candidate.split_data"]);
    const testSize = (ns: string) =>
      plan.params.find((p) => p.id === `${ns}.model_options.test_size`)!.value;
    expect([testSize("active"), testSize("candidate")]).toEqual([0.2, 0.3]);
    expect(plan.datasets.find((d) => d.id === "active.metrics")!.kind).toBe("metrics");
  });

  it("lets the modelling pipeline run on its own from the stored table", () => {
    const plan = compile(dataScience(), { root, params });
    expect(plan.inputs).toEqual(["model_input_table"]);
    expect(compile(dataProcessing(), { root }).outputs).toEqual(["model_input_table"]);
  });

  it("rejects a feature that is not a column, at compile time", () => {
    const bad = structuredClone(params);
    bad.candidate.model_options.features.push("colour");
    const error = (() => {
      try {
        compile(all(), { root, params: bad });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).issues.map((i) => i.code)).toEqual([ErrorCode.INVALID_PARAM]);
    expect((error as CompileError).message).toContain("candidate.model_options.features");
  });
});
