import { describe, expect, test } from "vitest";
import { z } from "zod";
import { CompileError, compile, dataset, type Issue, node, param, pipeline } from "../src/index.ts";
import { clean, cleanNode, linear, params, raw } from "./fixtures.ts";

function issuesOf(fn: () => unknown): readonly Issue[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CompileError) return e.issues;
    throw e;
  }
  throw new Error("expected a CompileError");
}

const n = z.number();
const a = dataset("a", n);
const b = dataset("b", n);
const c = dataset("c", n);
const id = (name: string, input: typeof a, output: typeof a) =>
  node({ name, inputs: { x: input }, outputs: { y: output }, run: ({ x }) => ({ y: x }) });

describe("bad input gets a clear error", () => {
  test("cycle: code CYCLE and the cycle's path", () => {
    const [issue] = issuesOf(() =>
      compile(pipeline([id("first", a, b), id("second", b, c), id("third", c, a)])),
    );
    expect(issue!.code).toBe("CYCLE");
    expect(issue!.message).toContain("first -> second -> third -> first");
    expect(issue!.nodes).toEqual(["first", "second", "third", "first"]);
  });

  test("cycle: .nodes throws too", () => {
    expect(() => pipeline([id("p", a, b), id("q", b, a)]).nodes).toThrow(/cycle: p -> q -> p/);
  });

  test("missing input: with a catalog, a free input it cannot provide", () => {
    const catalog = {
      resolve: (ds: string) =>
        ds === "other" ? { type: "json", uri: "data/other.json" } : undefined,
    };
    const [issue] = issuesOf(() => compile(pipeline([id("first", a, b)]), { catalog }));
    expect(issue!.code).toBe("MISSING_INPUT");
    expect(issue!.message).toMatch(/dataset "a" is read by "first"/);
    expect(issue!.message).toContain("conf/catalog.yaml");
  });

  test("without a catalog, free inputs become the plan's declared inputs", () => {
    expect(compile(pipeline([id("first", a, b)])).inputs).toEqual(["a"]);
  });

  test("duplicate output names both producers with file:line", () => {
    const [issue] = issuesOf(() => compile(pipeline([id("one", a, c), id("two", b, c)])));
    expect(issue!.code).toBe("DUPLICATE_OUTPUT");
    expect(issue!.message).toMatch(
      /dataset "c" is written by 2 nodes: "one" \(.*compile-errors\.test\.ts:\d+\), "two"/,
    );
  });

  test("duplicate node name", () => {
    const [issue] = issuesOf(() => compile(pipeline([id("same", a, b), id("same", b, c)])));
    expect(issue!.code).toBe("DUPLICATE_NODE");
    expect(issue!.message).toContain('2 nodes are named "same"');
    expect(issue!.message).toContain("compile-errors.test.ts:");
  });

  test("empty name", () => {
    const [issue] = issuesOf(() => compile(pipeline([id("", a, b)])));
    expect(issue!.code).toBe("INVALID_NAME");
    expect(issue!.message).toContain('node name "" must not be empty');
  });

  test("a name with characters outside [A-Za-z0-9_.-]", () => {
    const issues = issuesOf(() => compile(pipeline([id("train model", a, dataset("out/put", n))])));
    expect(issues.map((i) => i.code)).toEqual(["INVALID_NAME", "INVALID_NAME"]);
    expect(issues[0]!.message).toContain('node name "train model" contains " "');
    expect(issues[1]!.message).toContain('dataset name "out/put" contains "/"');
  });

  test("a node whose outputs object is empty", () => {
    const [issue] = issuesOf(() =>
      compile(pipeline([node({ name: "sink", inputs: { a }, outputs: {}, run: () => ({}) })])),
    );
    expect(issue!.code).toBe("NO_OUTPUTS");
    expect(issue!.message).toContain('"sink"');
  });

  test("a dataset used as both input and output of one node", () => {
    const [issue] = issuesOf(() => compile(pipeline([id("loop", a, a)])));
    expect(issue!.code).toBe("INPUT_IS_OUTPUT");
    expect(issue!.message).toContain('reads and writes dataset "a"');
  });

  test("the same dataset name declared with two schemas", () => {
    const a2 = dataset("a", z.string());
    const [issue] = issuesOf(() =>
      compile(
        pipeline([
          id("first", a, b),
          node({ name: "second", inputs: { x: a2 }, outputs: { y: c }, run: () => ({ y: 1 }) }),
        ]),
      ),
    );
    expect(issue!.code).toBe("SCHEMA_MISMATCH");
    expect(issue!.message).toContain('"a" is declared with two different schemas');
  });

  test("params missing", () => {
    const [issue] = issuesOf(() => compile(linear(), { params: {} }));
    expect(issue!.code).toBe("MISSING_PARAM");
    expect(issue!.message).toContain('param "model.alpha" (read by "train") has no value');
  });

  test("params failing their zod schema name the path", () => {
    const [issue] = issuesOf(() => compile(linear(), { params: { model: { alpha: -1 } } }));
    expect(issue!.code).toBe("INVALID_PARAM");
    expect(issue!.message).toMatch(/param "model.alpha" = -1 is invalid: model.alpha: .*>0/);
  });

  test("nested param object errors name the nested field", () => {
    const opts = param("opts", z.object({ features: z.array(z.string()) }));
    const p = pipeline([
      node({
        name: "use",
        inputs: { opts },
        outputs: { y: b },
        run: ({ opts }) => ({ y: opts.features.length }),
      }),
    ]);
    const [issue] = issuesOf(() => compile(p, { params: { opts: { features: [1] } } }));
    expect(issue!.message).toContain("opts.features.0");
  });

  test("resources, retries and timeouts engines would reject", () => {
    const bad = node({
      name: "heavy",
      inputs: { x: a },
      outputs: { y: b },
      run: ({ x }) => ({ y: x }),
      resources: { cpu: "two", memory: "1 Gi", gpu: 1.5 },
      retries: -1,
      timeout: 0,
    });
    const issues = issuesOf(() => compile(pipeline([bad])));
    expect(issues.map((i) => i.path.slice(2).join("."))).toEqual([
      "resources.cpu",
      "resources.memory",
      "resources.gpu",
      "retries",
      "timeout",
    ]);
    expect(issues[0]!.code).toBe("INVALID_OPTION");
    expect(issues[0]!.message).toMatch(
      /node "heavy" \(.*compile-errors\.test\.ts:\d+\): resources.cpu "two" is not a Kubernetes quantity/,
    );
    const ok = node({
      name: "ok",
      inputs: { x: a },
      outputs: { y: b },
      run: ({ x }) => ({ y: x }),
      resources: { cpu: 0.5, memory: "512Mi", gpu: 1 },
      retries: 2,
      timeout: 30,
    });
    expect(compile(pipeline([ok])).nodes[0]!.resources).toEqual({
      cpu: "0.5",
      memory: "512Mi",
      gpu: 1,
    });
  });

  test("every problem is reported at once", () => {
    const issues = issuesOf(() =>
      compile(
        pipeline([
          id("same", a, b),
          id("same", c, b),
          id("bad name", b, dataset("d", n)),
          node({ name: "e", outputs: {}, run: () => ({}) }),
        ]),
      ),
    );
    expect(issues.map((i) => i.code).sort()).toEqual([
      "DUPLICATE_NODE",
      "DUPLICATE_OUTPUT",
      "INVALID_NAME",
      "NO_OUTPUTS",
    ]);
  });

  test("an empty pipeline does not compile", () => {
    expect(issuesOf(() => compile(pipeline([])))[0]!.code).toBe("EMPTY_PIPELINE");
  });

  test("pipeline() rejects something that is not a node", () => {
    expect(() => pipeline([{} as never])).toThrow(/takes nodes and pipelines/);
  });

  test("the error message and issues agree", () => {
    try {
      compile(pipeline([cleanNode, id("again", raw as never, clean as never)]), { params });
    } catch (e) {
      expect(e).toBeInstanceOf(CompileError);
      expect((e as CompileError).code).toBe("DUPLICATE_OUTPUT");
      return;
    }
    throw new Error("expected an error");
  });
});
