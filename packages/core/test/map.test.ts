import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CompileError,
  compile,
  dataset,
  type Issue,
  node,
  PlanSchema,
  param,
  partitioned,
  pipeline,
} from "../src/index.ts";

const Event = z.object({ user: z.string(), amount: z.number() });
const raw = partitioned("raw_events", z.array(Event));
const cleaned = partitioned("clean_events", z.array(Event));
const totals = partitioned("daily_totals", z.object({ total: z.number() }));
const report = dataset("report", z.object({ days: z.number() }));
const minAmount = param("min_amount", z.number());

const clean = node.map({
  name: "clean",
  over: { events: raw },
  inputs: { minAmount },
  outputs: { cleaned },
  run: ({ events, minAmount }) => ({ cleaned: events.filter((e) => e.amount >= minAmount) }),
});
const total = node.map({
  name: "total",
  over: { events: cleaned },
  outputs: { totals },
  run: ({ events }) => ({ totals: { total: events.reduce((s, e) => s + e.amount, 0) } }),
});
const fanIn = node({
  name: "report",
  inputs: { totals },
  outputs: { report },
  run: ({ totals }) => ({ report: { days: totals.size } }),
});
const daily = () => pipeline([clean, total, fanIn]);

function issuesOf(fn: () => unknown): readonly Issue[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CompileError) return e.issues;
    throw e;
  }
  throw new Error("expected a CompileError");
}

describe("map nodes in the plan", () => {
  it("marks map nodes and partitioned datasets, and bumps irVersion to 3", () => {
    const plan = compile(daily(), { params: { min_amount: 0 } });
    expect(plan.irVersion).toBe(3);
    expect(PlanSchema.parse(plan)).toEqual(plan);
    const byId = new Map(plan.nodes.map((n) => [n.id, n]));
    expect(byId.get("clean")!.map).toEqual({ over: "events", source: "partitions" });
    expect(byId.get("total")!.map).toEqual({ over: "events", source: "partitions" });
    expect(byId.get("report")!.map).toBeUndefined();
    expect(plan.datasets.filter((d) => d.partitioned).map((d) => d.id)).toEqual([
      "clean_events",
      "daily_totals",
      "raw_events",
    ]);
    expect(plan.order).toEqual(["clean", "total", "report"]);
  });

  it("a plan without them stays irVersion 2, and a v2 plan may not hold map nodes", () => {
    const plain = node({
      name: "p",
      inputs: {},
      outputs: { report },
      run: () => ({ report: { days: 0 } }),
    });
    const plan = compile(pipeline([plain]));
    expect(plan.irVersion).toBe(2);
    const forged = { ...compile(daily(), { params: { min_amount: 0 } }), irVersion: 2 };
    expect(PlanSchema.safeParse(forged).success).toBe(false);
  });

  it("the schema hash of a partitioned dataset is that of one partition", () => {
    const plan = compile(daily(), { params: { min_amount: 0 } });
    const ds = plan.datasets.find((d) => d.id === "daily_totals")!;
    expect(plan.schemas[ds.schemaHash]).toMatchObject({ type: "object" });
  });

  it("maps over list-valued params and datasets as items", () => {
    const regions = param("regions", z.array(z.string()));
    const perRegion = node.map({
      name: "per_region",
      over: { region: regions },
      outputs: { totals },
      run: ({ region }) => ({ totals: { total: region.length } }),
    });
    const plan = compile(pipeline([perRegion]), { params: { regions: ["eu"] } });
    expect(plan.nodes[0]!.map).toEqual({ over: "region", source: "items" });
    expect(plan.nodes[0]!.params).toEqual({ region: "regions" });
  });

  it("namespacing keeps the mapping and the partitioned kind", () => {
    const plan = compile(daily().namespace("eu", { params: ["min_amount"] }), {
      params: { min_amount: 0 },
    });
    const n = plan.nodes.find((x) => x.id === "eu.clean")!;
    expect(n.map).toEqual({ over: "events", source: "partitions" });
    expect(n.inputs.events).toBe("eu.raw_events");
    expect(plan.datasets.find((d) => d.id === "eu.raw_events")!.partitioned).toBe(true);
  });

  it("the static key of a map node differs from a plain node's with the same declaration", () => {
    const list = dataset("list", z.array(z.number()));
    const mapped = node.map({
      name: "same",
      over: { x: list },
      outputs: { totals },
      run: ({ x }) => ({ totals: { total: x } }),
    });
    const a = compile(pipeline([mapped])).nodes[0]!;
    expect(a.map).toBeDefined();
    expect(a.cacheKey).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("compile checks of map nodes", () => {
  it("a map over two collections at once is a nested map (NESTED_MAP)", () => {
    const regions = param("regions", z.array(z.string()));
    const nested = node.map({
      name: "nested",
      over: { events: raw, region: regions } as never,
      outputs: { totals },
      run: () => ({ totals: { total: 0 } }),
    });
    const [issue] = issuesOf(() => compile(pipeline([nested]), { params: { regions: [] } }));
    expect(issue!.code).toBe("NESTED_MAP");
    expect(issue!.message).toMatch(/maps over "events" and "region" at once: .*nested map/);
  });

  it("a map over a value that is not a list is MAP_OVER_NON_LIST", () => {
    const one = dataset("one", z.number());
    const bad = node.map({
      name: "bad",
      over: { x: one as never },
      outputs: { totals },
      run: () => ({ totals: { total: 0 } }),
    });
    const badParam = node.map({
      name: "bad_param",
      over: { x: minAmount as never },
      outputs: { totals: partitioned("t2", z.object({ total: z.number() })) },
      run: () => ({ totals: { total: 0 } }),
    });
    const issues = issuesOf(() =>
      compile(pipeline([bad, badParam]), { params: { min_amount: 1 } }),
    );
    expect(issues.map((i) => i.code)).toEqual(["MAP_OVER_NON_LIST", "MAP_OVER_NON_LIST"]);
    expect(issues[0]!.message).toMatch(
      /maps over dataset "one", whose schema is not a list \(type number\)/,
    );
    expect(issues[1]!.message).toMatch(/param "min_amount"/);
  });

  it("a map writing a plain dataset is INVALID_MAP; all problems come together", () => {
    const bad = node.map({
      name: "bad",
      over: { events: raw },
      outputs: { report: report as never },
      run: () => ({ report: { days: 1 } }),
    });
    const issues = issuesOf(() => compile(pipeline([bad])));
    expect(issues.map((i) => i.code)).toEqual(["INVALID_MAP"]);
    expect(issues[0]!.message).toMatch(/writes "report" .*not partitioned.*partitioned\("report"/);
  });

  it("one name declared partitioned and plain is SCHEMA_MISMATCH", () => {
    const plainRaw = dataset("raw_events", z.array(Event));
    const reader = node({
      name: "reader",
      inputs: { plainRaw },
      outputs: { report },
      run: () => ({ report: { days: 0 } }),
    });
    const issues = issuesOf(() =>
      compile(pipeline([clean, reader]), { params: { min_amount: 0 } }),
    );
    expect(issues.map((i) => i.code)).toContain("SCHEMA_MISMATCH");
  });

  it("the mapped key may not also be an input key", () => {
    expect(() =>
      node.map({
        name: "clash",
        over: { events: raw },
        inputs: { events: minAmount } as never,
        outputs: { totals },
        run: () => ({ totals: { total: 0 } }),
      }),
    ).toThrow(/key "events" is both in over and in inputs/);
  });
});

describe("diffPlans and map nodes", () => {
  it("names a node that became a map node", async () => {
    const { diffPlans } = await import("../src/index.ts");
    const list = dataset("days", z.array(z.string()));
    const plainOut = dataset("out_plain", z.object({ total: z.number() }));
    const before = node({
      name: "per_day",
      inputs: { day: list },
      outputs: { out: plainOut },
      run: () => ({ out: { total: 0 } }),
    });
    const after = node.map({
      name: "per_day",
      over: { day: list },
      outputs: { out: totals },
      run: () => ({ out: { total: 0 } }),
    });
    const d = diffPlans(compile(pipeline([before])), compile(pipeline([after])));
    expect(d.invalidated).toEqual(["per_day"]);
    expect(d.changed[0]!.causes.map((c) => c.detail)).toContain("no map -> map over day (items)");
  });
});
