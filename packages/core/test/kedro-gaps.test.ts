import { describe, expect, test } from "vitest";
import { compile, pipeline } from "../src/index.ts";
import { alpha, linear, params } from "./fixtures.ts";

const ids = (p: { nodes: readonly { id: string }[] }) => p.nodes.map((n) => n.id);

// Both behaviours were compared with real Kedro 1.5 (issue #10, item 7).
describe("Kedro semantics", () => {
  test("fromInputs takes a param, by handle, name or Kedro's params: spelling", () => {
    expect(ids(linear().fromInputs([alpha]))).toEqual(["train", "score"]);
    expect(ids(linear().fromInputs(["model.alpha"]))).toEqual(["train", "score"]);
    expect(ids(linear().fromInputs(["params:model.alpha"]))).toEqual(["train", "score"]);
    expect(ids(linear().filter({ fromInputs: ["params:model.alpha"], tags: ["report"] }))).toEqual([
      "score",
    ]);
    expect(() => linear().fromInputs(["params:nope"])).toThrow(/no dataset named "nope"/);
  });

  test("pipeline(p, { inputs }) without a namespace renames the listed input only", () => {
    const p = pipeline([linear()], { inputs: { raw: "source" } });
    expect(p.inputs().map((h) => h.name)).toContain("source");
    expect(p.inputs().map((h) => h.name)).not.toContain("raw");
    expect(ids(p)).toEqual(["clean", "features", "train", "score"]);
    const plan = compile(p, { params });
    expect(plan.nodes.find((n) => n.id === "clean")!.inputs).toEqual({ raw: "source" });
  });

  test("two un-namespaced renamed copies collide with DUPLICATE_NODE, as in Kedro", () => {
    const a = pipeline([linear()], { inputs: { raw: "source_a" }, outputs: { score: "score_a" } });
    const b = pipeline([linear()], { inputs: { raw: "source_b" }, outputs: { score: "score_b" } });
    let error: unknown;
    try {
      compile(pipeline([a, b]), { params });
    } catch (e) {
      error = e;
    }
    expect((error as { issues: { code: string }[] }).issues.map((i) => i.code)).toContain(
      "DUPLICATE_NODE",
    );
  });
});
