import { describe, expect, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { compile, dataset, node, type Param, param, pipeline, planHash } from "../src/index.ts";

const day = param("run.day", z.string().regex(/^\d{4}-\d{2}-\d{2}$/), { runtime: true });
const scale = param("scale", z.number());
const out = dataset("out", z.string());
const other = dataset("other", z.number());

const p = pipeline([
  node({ name: "stamp", inputs: { day }, outputs: { out }, run: ({ day }) => ({ out: day }) }),
  node({
    name: "times",
    inputs: { scale },
    outputs: { other },
    run: ({ scale }) => ({ other: scale * 2 }),
  }),
]);

const plan = (values: Record<string, unknown>) => compile(p, { params: values });

describe("runtime params", () => {
  test("param(name, schema, { runtime: true }) keeps its type and survives a namespace", () => {
    expectTypeOf(day).toEqualTypeOf<Param<string>>();
    expect(day.runtime).toBe(true);
    expect(scale.runtime).toBe(false);
    const ns = pipeline([p]).namespace("team");
    const compiled = compile(ns, { params: { team: { run: { day: "2026-01-01" }, scale: 1 } } });
    expect(compiled.params.find((x) => x.id === "team.run.day")?.runtime).toBe(true);
  });

  test("a runtime value stays out of the plan hash and the static key; others do not", () => {
    const a = plan({ run: { day: "2026-01-01" }, scale: 1 });
    const b = plan({ run: { day: "2026-12-31" }, scale: 1 });
    expect(a.params.find((x) => x.id === "run.day")).toMatchObject({
      runtime: true,
      value: "2026-01-01",
    });
    expect(planHash(a)).toBe(planHash(b));
    expect(a.nodes.map((n) => n.cacheKey)).toEqual(b.nodes.map((n) => n.cacheKey));
    const c = plan({ run: { day: "2026-01-01" }, scale: 2 });
    expect(planHash(c)).not.toBe(planHash(a));
    expect(c.params.find((x) => x.id === "scale")!.runtime).toBeUndefined();
  });

  test("its value is still validated by its schema at compile time", () => {
    expect(() => plan({ run: { day: "yesterday" }, scale: 1 })).toThrow(
      expect.objectContaining({ code: "INVALID_PARAM" }),
    );
  });
});
