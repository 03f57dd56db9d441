import { describe, expect, it } from "vitest";
import { buildModel } from "../src/model/build-model.ts";
import { namespaceTree, shortName } from "../src/model/namespaces.ts";
import { fitText, prettyName, textWidth } from "../src/model/text-width.ts";
import { spaceflightsPlan } from "./fixtures.ts";

describe("namespaceTree", () => {
  const plan = spaceflightsPlan();
  const tree = namespaceTree(plan);

  it("lists every namespace and its ancestors, parents first", () => {
    expect(tree.list.map((n) => [n.id, n.parent, n.depth])).toEqual([
      ["data_processing", -1, 0],
      ["data_science", -1, 0],
      ["data_science.active", 1, 1],
      ["data_science.candidate", 1, 1],
    ]);
  });

  it("puts prefixed datasets in their namespace and kept ones outside", () => {
    const group = (id: string) => tree.datasetGroup.get(id);
    expect(group("data_science.active.regressor")).toBe(2);
    expect(group("data_processing.preprocessed_shuttles")).toBe(0);
    expect(group("model_input_table")).toBe(-1);
    expect(group("companies")).toBe(-1);
    expect(tree.paramGroup.get("data_science.candidate.model_options.test_size")).toBe(3);
    expect(shortName("data_science.active.X_train", 2, tree)).toBe("X_train");
  });
});

describe("buildModel", () => {
  const plan = spaceflightsPlan();

  it("makes a vertex per node, dataset and param, with panel details", () => {
    const model = buildModel(plan, { title: "t" });
    const kinds = model.vertices.map((v) => v.kind);
    expect(kinds.filter((k) => k === "node")).toHaveLength(9);
    expect(kinds.filter((k) => k === "dataset" || k === "metrics")).toHaveLength(18);
    expect(kinds.filter((k) => k === "param")).toHaveLength(4);
    const split = model.vertices.find((v) => v.id === "data_science.active.split_data")!;
    expect(split.node!.inputs.map(([key, i]) => [key, model.vertices[i]!.id])).toEqual([
      ["table", "model_input_table"],
    ]);
    const params = split.node!.params.map(([key, i]): [string, unknown] => [
      key,
      model.vertices[i]!.param!.value,
    ]);
    expect(Object.fromEntries(params)).toEqual({
      testSize: 0.2,
      features: ["engines", "company_rating"],
    });
    expect(split.tags).toEqual(["training"]);
    const pre = model.vertices.find((v) => v.id === "data_processing.preprocess_companies")!;
    expect(pre.node!.resources).toEqual({ cpu: "500m", memory: "1Gi" });
    expect(pre.node!.location).toMatch(/fixtures\.ts:\d+$/);
    const companies = model.vertices.find((v) => v.id === "companies")!;
    expect(companies.dataset!.description).toBe("Raw companies from the CRM export");
    expect(model.schemas[companies.dataset!.schema]).toMatchObject({ type: "array" });
    expect(model.tags).toEqual(["evaluation", "preprocessing", "training"]);
    expect(model.groups.map((g) => [g.label, g.nodes, g.datasets])).toEqual([
      ["data_processing", 3, 2],
      ["data_science", 6, 12],
      ["active", 3, 6],
      ["candidate", 3, 6],
    ]);
  });

  it("attaches a run by qualified id, by unique bare name, and reports the rest", () => {
    const run = {
      id: "r1",
      status: "failed",
      startedAt: "2024-01-01T00:00:00Z",
      nodes: [
        { name: "data_processing.preprocess_companies", status: "ran" as const, durationMs: 1200 },
        { name: "preprocess_shuttles", status: "cached" as const, durationMs: 3 },
        {
          name: "train_model",
          status: "failed" as const,
          durationMs: 9,
          error: { message: "boom" },
        },
        {
          name: "data_science.active.evaluate_model",
          status: "skipped" as const,
          durationMs: 0,
          metrics: { r2: 0.5 },
        },
        { name: "gone", status: "ran" as const, durationMs: 1, error: "x" },
      ],
    };
    const model = buildModel(plan, { title: "t", run });
    const byId = (id: string) => model.vertices.find((v) => v.id === id)!.run;
    expect(byId("data_processing.preprocess_companies")).toEqual({
      status: "ran",
      durationMs: 1200,
    });
    expect(byId("data_processing.preprocess_shuttles")?.status).toBe("cached");
    expect(byId("data_science.active.evaluate_model")).toEqual({
      status: "skipped",
      durationMs: 0,
      metrics: { r2: 0.5 },
    });
    // "train_model" is ambiguous (two namespaces have one): not guessed.
    expect(model.run!.unmatched).toEqual(["train_model", "gone"]);
    expect(model.run!.counts).toEqual({ ran: 1, cached: 1, failed: 0, skipped: 1 });
    // Nodes make room for the duration badge when a run is shown.
    const plain = buildModel(plan, { title: "t" });
    expect(model.vertices[0]!.w).toBeGreaterThan(plain.vertices[0]!.w);
  });
});

describe("labels", () => {
  it("estimates widths that grow with the text and cuts long labels with an ellipsis", () => {
    expect(textWidth("iiii", 12)).toBeLessThan(textWidth("MMMM", 12));
    const long = "a_really_long_dataset_name_that_goes_on_and_on_and_on_forever";
    const cut = fitText(long, 12.5, 200);
    expect(cut.endsWith("…")).toBe(true);
    expect(textWidth(cut, 12.5)).toBeLessThanOrEqual(200);
    expect(fitText("short", 12.5, 200)).toBe("short");
  });

  it("makes Kedro-style pretty names", () => {
    expect(prettyName("preprocess_companies")).toBe("Preprocess Companies");
    expect(prettyName("X_train")).toBe("X Train");
    expect(prettyName("model_options.test_size")).toBe("Model Options.Test Size");
  });
});
