import { describe, expect, test } from "vitest";
import { parseCommand } from "../src/args.ts";
import { run } from "../src/commands/run.ts";
import { applyOverrides, parseOverride } from "../src/params.ts";

describe("parseCommand", () => {
  test("repeated and comma-separated node lists; --params values keep their commas", () => {
    const { values } = parseCommand(run, [
      "--nodes",
      "a,b",
      "--nodes",
      "c",
      "--params",
      "m.features=[x,y]",
      "--no-cache",
    ]);
    expect(values.nodes).toEqual(["a", "b", "c"]);
    expect(values.params).toEqual(["m.features=[x,y]"]);
    expect(values.cache).toBe(false);
  });

  test("an unknown option suggests the nearest", () => {
    expect(() => parseCommand(run, ["--from-node", "x"])).toThrow(
      /unknown option --from-node. Did you mean --from-nodes\?/,
    );
  });

  test("unexpected positional arguments are usage errors", () => {
    expect(() => parseCommand(run, ["extra"])).toThrow(/unexpected argument "extra"/);
  });
});

describe("--params overrides", () => {
  test("values are YAML: numbers, booleans, lists", () => {
    expect(parseOverride("a.b=0.3")).toEqual(["a.b", 0.3]);
    expect(parseOverride("a=[x, y]")).toEqual(["a", ["x", "y"]]);
    expect(parseOverride("a=true")).toEqual(["a", true]);
    expect(parseOverride("a=hello world")).toEqual(["a", "hello world"]);
  });

  test("apply to a copy, nested, and reject unknown paths with a suggestion", () => {
    const base = { model: { alpha: 1, features: ["a"] } };
    const out = applyOverrides(
      base,
      ["model.alpha=2", "model.features=[b,c]"],
      ["model.alpha", "model.features"],
    );
    expect(out).toEqual({ model: { alpha: 2, features: ["b", "c"] } });
    expect(base.model.alpha).toBe(1);
    expect(() => applyOverrides(base, ["model.alhpa=2"], ["model.alpha"])).toThrow(
      /Did you mean "model.alpha"\?/,
    );
  });

  test("a param the pipeline reads may be set even when params.yaml lacks it", () => {
    expect(applyOverrides({}, ["new.value=3"], ["new.value"])).toEqual({ new: { value: 3 } });
  });
});
