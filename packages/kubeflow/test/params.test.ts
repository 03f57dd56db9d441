import { compile, dataset, node, param, pipeline } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { z } from "zod";
import { kfpParams, parameterType } from "../src/params.ts";
import { emit } from "./support/emit.ts";
import { ROOT, s3Catalog } from "./support/fixtures.ts";

function planWith(schema: z.ZodType, value: unknown) {
  const p = param("p", schema, { runtime: true });
  const out = dataset("out", z.number());
  return compile(
    pipeline([node({ name: "n", inputs: { p }, outputs: { out }, run: () => ({ out: 1 }) })]),
    {
      catalog: s3Catalog,
      params: { p: value },
      root: ROOT,
    },
  );
}

describe("params", () => {
  it("are typed from their JSON Schema, else from their value", () => {
    expect(parameterType({ type: "integer" }, 1)).toBe("NUMBER_INTEGER");
    expect(parameterType({ type: "number" }, 1)).toBe("NUMBER_DOUBLE");
    expect(parameterType({ type: "string" }, "a")).toBe("STRING");
    expect(parameterType({ type: "boolean" }, true)).toBe("BOOLEAN");
    expect(parameterType({ type: "array" }, [])).toBe("LIST");
    expect(parameterType({ type: "object" }, {})).toBe("STRUCT");
    expect(parameterType({ anyOf: [{ type: "string" }, { type: "number" }] }, 2)).toBe(
      "NUMBER_DOUBLE",
    );
    expect(parameterType({ anyOf: [] }, null)).toBeUndefined();
  });

  it("round-trip: every passed value reaches run-node's --params as the compiled value", () => {
    const values: [z.ZodType, unknown][] = [
      [z.string(), "hello world"],
      [z.string(), ""],
      [z.string(), "s3://bucket/a b"],
      [z.number(), 1e-7],
      [z.number(), 1e21],
      [z.number().int(), -42],
      [z.boolean(), true],
      [z.array(z.unknown()), [1, "two", { three: [3] }, null]],
      [z.record(z.string(), z.unknown()), { "a.b": 'it\'s "quoted"', n: null, "<<": 1 }],
    ];
    for (const [schema, value] of values) {
      const plan = planWith(schema, value);
      const { argv } = emit(plan);
      const arg = argv("n").at(-1)!;
      expect(arg.startsWith("p=")).toBe(true);
      // What the CLI does with it: YAML, or the text itself (packages/cli/src/params.ts).
      const text = arg.slice(2);
      expect(text === "" ? "" : YAML.parse(text)).toEqual(value);
    }
  });

  it("stay fixed when their text would not come back unchanged, and the header says why", () => {
    for (const value of ["1.0", "true", "a: b", " padded", "two\nlines", "{{$}}", "# note"]) {
      const plan = planWith(z.string(), value);
      const { fixed, params } = kfpParams(plan);
      expect(params).toEqual([]);
      expect(fixed.map((f) => f.id)).toEqual(["p"]);
      const { text, spec, argv } = emit(plan);
      expect(spec.root.inputDefinitions).toBeUndefined();
      expect(argv("n")).not.toContain("--params");
      expect(text).toContain('#   "p": ');
    }
  });

  it("only runtime params are pipeline inputs: the others are in the plan hash, which run-node checks", () => {
    // Random mixes of runtime and plan params read by one node, plus a map node's list param.
    for (let seed = 0; seed < 16; seed++) {
      const declared = [0, 1, 2, 3].map((i) =>
        param(`p${i}`, z.number(), { runtime: ((seed >> i) & 1) === 1 }),
      );
      const inputs = Object.fromEntries(declared.map((p, i) => [`p${i}`, p]));
      const out = dataset("out", z.number());
      const plan = compile(
        pipeline([node({ name: "n", inputs, outputs: { out }, run: () => ({ out: 1 }) })]),
        { catalog: s3Catalog, params: { p0: 0, p1: 1, p2: 2, p3: 3 }, root: ROOT },
      );
      const runtime = declared.filter((_, i) => ((seed >> i) & 1) === 1).map((p) => p.name);
      const { spec, argv } = emit(plan);
      expect(Object.keys(spec.root.inputDefinitions?.parameters ?? {}).sort()).toEqual(runtime);
      const passed = argv("n").flatMap((a, i, all) =>
        all[i - 1] === "--params" ? [a.split("=")[0]] : [],
      );
      expect(passed.sort()).toEqual(runtime);
    }
  });
});
