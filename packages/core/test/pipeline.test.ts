import { describe, expect, test } from "vitest";
import { z } from "zod";
import { CompileError, compile, dataset, node, pipeline } from "../src/index.ts";
import { clean, features, linear, model, params, raw, scoreNode, trainNode } from "./fixtures.ts";

const ids = (p: { nodes: readonly { id: string }[] }) => p.nodes.map((n) => n.id);

describe("inspection", () => {
  test("nodes are topologically sorted whatever the order they were added in", () => {
    expect(ids(linear())).toEqual(["clean", "features", "train", "score"]);
  });

  test("ties are broken by name", () => {
    const a = dataset("a", z.number());
    const mk = (name: string, out: string) =>
      node({
        name,
        inputs: { a },
        outputs: { o: dataset(out, z.number()) },
        run: ({ a }) => ({ o: a }),
      });
    expect(ids(pipeline([mk("zeta", "z"), mk("alpha", "x"), mk("mid", "m")]))).toEqual([
      "alpha",
      "mid",
      "zeta",
    ]);
  });

  test("inputs() lists free inputs and params; outputs() free outputs; datasets() all", () => {
    const p = linear();
    expect(p.inputs().map((i) => i.name)).toEqual(["model.alpha", "raw"]);
    expect(p.outputs().map((o) => o.name)).toEqual(["score"]);
    expect(p.datasets().map((d) => d.name)).toEqual(["clean", "features", "model", "raw", "score"]);
  });

  test("the same node added twice counts once", () => {
    expect(linear().plus(linear()).nodes).toHaveLength(4);
  });
});

describe("filters", () => {
  test("from() keeps the nodes and everything downstream", () => {
    expect(ids(linear().from(["features"]))).toEqual(["features", "train", "score"]);
  });

  test("to() keeps the nodes and everything upstream", () => {
    expect(ids(linear().to(["train"]))).toEqual(["clean", "features", "train"]);
  });

  test("only() by tags matches any tag", () => {
    expect(ids(linear().only({ tags: ["report", "prep"] }))).toEqual([
      "clean",
      "features",
      "score",
    ]);
  });

  test("only() by nodes", () => {
    expect(ids(linear().only({ nodes: ["train", "clean"] }))).toEqual(["clean", "train"]);
  });

  test("fromInputs() and toOutputs() take handles or names", () => {
    expect(ids(linear().fromInputs([model]))).toEqual(["score"]);
    expect(ids(linear().fromInputs(["clean"]))).toEqual(["features", "train", "score"]);
    expect(ids(linear().toOutputs([features]))).toEqual(["clean", "features"]);
  });

  test("filter() intersects every given filter", () => {
    expect(ids(linear().filter({ fromNodes: ["features"], toNodes: ["train"] }))).toEqual([
      "features",
      "train",
    ]);
    expect(ids(linear().filter({ tags: ["ml"], toOutputs: ["model"] }))).toEqual(["train"]);
  });

  test("a filter matching nothing yields an empty pipeline, which does not compile", () => {
    const empty = linear().filter({ fromNodes: ["score"], toNodes: ["clean"] });
    expect(empty.nodes).toHaveLength(0);
    expect(() => compile(empty, { params })).toThrow(
      expect.objectContaining({ code: "EMPTY_PIPELINE" }),
    );
  });

  test("an unknown node, tag or dataset is an error with a suggestion", () => {
    const err = catchError(() =>
      linear().filter({ nodes: ["trian"], tags: ["mll"], toOutputs: ["modle"] }),
    );
    expect(err.issues.map((i) => i.code)).toEqual([
      "UNKNOWN_TAG",
      "UNKNOWN_NODE",
      "UNKNOWN_DATASET",
    ]);
    expect(err.message).toContain('Did you mean "train"?');
    expect(err.message).toContain('Did you mean "ml"?');
    expect(err.message).toContain('Did you mean "model"?');
    expect(() => linear().from(["nope"])).toThrow(/no node named "nope"/);
  });

  test("plus() is a union", () => {
    expect(ids(pipeline([trainNode]).plus(pipeline([scoreNode])))).toEqual(["train", "score"]);
  });
});

describe("namespace", () => {
  test("prefixes nodes, datasets and params not listed", () => {
    const p = linear().namespace("active", { inputs: ["raw"] });
    expect(ids(p)).toEqual(["active.clean", "active.features", "active.train", "active.score"]);
    expect(p.datasets().map((d) => d.name)).toEqual([
      "active.clean",
      "active.features",
      "active.model",
      "active.score",
      "raw",
    ]);
    expect(p.inputs().map((i) => i.name)).toEqual(["active.model.alpha", "raw"]);
    expect(p.nodes[0]!.namespace).toBe("active");
  });

  test("renames listed inputs, outputs and params", () => {
    const p = linear().namespace("b", {
      inputs: { raw: "raw_b" },
      outputs: { score: "final_score" },
      params: { "model.alpha": "shared.alpha" },
    });
    expect(p.inputs().map((i) => i.name)).toEqual(["raw_b", "shared.alpha"]);
    expect(p.outputs().map((o) => o.name)).toEqual(["final_score"]);
  });

  test("nests: namespaces join with dots", () => {
    const p = linear()
      .namespace("inner")
      .namespace("outer", { inputs: ["inner.raw"] });
    expect(ids(p)[0]).toBe("outer.inner.clean");
    expect(p.inputs().map((i) => i.name)).toContain("inner.raw");
  });

  test("the same pipeline reused twice compiles side by side", () => {
    const both = pipeline([
      linear().namespace("a", { inputs: ["raw"] }),
      linear().namespace("b", { inputs: ["raw"] }),
    ]);
    const plan = compile(both, { params: { a: params, b: { model: { alpha: 2 } } } });
    expect(plan.nodes).toHaveLength(8);
    expect(plan.inputs).toEqual(["raw"]);
  });

  test("remapping an unknown dataset is an error naming it", () => {
    const err = catchError(() =>
      linear().namespace("x", { inputs: { rwa: "r" }, outputs: ["nope"], params: ["model.alpah"] }),
    );
    expect(err.issues.map((i) => i.code)).toEqual([
      "UNKNOWN_DATASET",
      "UNKNOWN_DATASET",
      "UNKNOWN_PARAM",
    ]);
    expect(err.message).toContain('"rwa"');
    expect(err.message).toContain('Did you mean "raw"?');
  });

  test("remapping an internal dataset as an input is an error", () => {
    expect(() => linear().namespace("x", { inputs: ["clean"] })).toThrow(/not a free input/);
  });

  test("remapping onto a dataset with an incompatible schema is SCHEMA_MISMATCH", () => {
    const other = dataset("other_raw", z.array(z.object({ id: z.string() })));
    const err = catchError(() => linear().namespace("x", { inputs: { raw: other } }));
    expect(err.code).toBe("SCHEMA_MISMATCH");
    expect(err.message).toContain('"raw"');
    expect(err.message).toContain('"other_raw"');
  });

  test("remapping onto a dataset with the same schema is fine", () => {
    const other = dataset("other_raw", raw.schema);
    expect(
      linear()
        .namespace("x", { inputs: { raw: other } })
        .inputs()
        .map((i) => i.name),
    ).toContain("other_raw");
  });

  test("an invalid namespace name is an error", () => {
    expect(() => linear().namespace("bad ns")).toThrow(
      expect.objectContaining({ code: "INVALID_NAME" }),
    );
  });

  test("pipeline() accepts a namespace option", () => {
    expect(ids(pipeline([linear()], { namespace: "n", inputs: ["raw"] }))[0]).toBe("n.clean");
  });

  test("clean is untouched by namespacing a copy", () => {
    linear().namespace("z");
    expect(clean.name).toBe("clean");
  });
});

function catchError(fn: () => unknown): CompileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error("expected a CompileError");
}

describe("a second copy of @pipewright/core", () => {
  test("datasets and nodes are recognised by their tag, not their class", () => {
    // What a dataset made by another copy of this package looks like: same shape, other class.
    const foreign = {
      type: "dataset",
      name: "raw",
      schema: raw.schema,
      options: {},
      withName: raw.withName,
    } as never;
    const n = node({
      name: "use",
      inputs: { x: foreign },
      outputs: { y: dataset("y", z.number()) },
      run: () => ({ y: 1 }),
    });
    const plan = compile(pipeline([n]));
    expect(plan.nodes[0]!.inputs).toEqual({ x: "raw" });
    expect(plan.params).toEqual([]);
  });
});
