import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import {
  dataset,
  node,
  type Partitioned,
  type Partitions,
  param,
  partitioned,
  partitions,
} from "../src/index.ts";

const Event = z.object({ user: z.string(), amount: z.number() });
type Event = z.infer<typeof Event>;
const raw = partitioned("raw_events", z.array(Event));
const cleaned = partitioned("clean_events", z.array(Event));
const totals = partitioned("daily_totals", z.object({ total: z.number() }));
const report = dataset("report", z.object({ days: z.number(), total: z.number() }));
const regions = param("regions", z.array(z.string()));
const regionList = dataset("region_list", z.array(z.object({ code: z.string() })));
const minAmount = param("min_amount", z.number());
const count = dataset("count", z.number());

describe("partitioned", () => {
  test("carries the type of one partition", () => {
    expectTypeOf(raw).toEqualTypeOf<Partitioned<Event[]>>();
  });
});

describe("node.map", () => {
  test("run receives one partition's value, whole inputs, and the partition name", () => {
    node.map({
      name: "clean",
      over: { events: raw },
      inputs: { minAmount },
      outputs: { cleaned },
      run: ({ events, minAmount }, { partition }) => {
        expectTypeOf(events).toEqualTypeOf<Event[]>();
        expectTypeOf(minAmount).toEqualTypeOf<number>();
        expectTypeOf(partition).toEqualTypeOf<string>();
        return { cleaned: events.filter((e) => e.amount >= minAmount) };
      },
    });
  });

  test("over a list-valued param or dataset, run receives one item", () => {
    node.map({
      name: "per_region",
      over: { region: regions },
      outputs: { totals },
      run: ({ region }) => {
        expectTypeOf(region).toEqualTypeOf<string>();
        return { totals: { total: region.length } };
      },
    });
    node.map({
      name: "per_code",
      over: { item: regionList },
      key: (item) => {
        expectTypeOf(item).toEqualTypeOf<{ code: string }>();
        return item.code;
      },
      outputs: { totals },
      run: async ({ item }) => ({ totals: { total: item.code.length } }),
    });
  });

  test("returns one partition's value per output; wrong keys and types are errors", () => {
    node.map({
      name: "a",
      over: { events: raw },
      outputs: { totals },
      // @ts-expect-error: a partition of daily_totals is { total: number }, not a number
      run: ({ events }) => ({ totals: events.length }),
    });
    node.map({
      name: "b",
      over: { events: raw },
      outputs: { totals },
      // @ts-expect-error: "extra" is not an output
      run: () => ({ totals: { total: 1 }, extra: 1 }),
    });
  });

  test("mapping over a value that is not a list is an error", () => {
    node.map({
      name: "c",
      // @ts-expect-error: min_amount is a number, not a list
      over: { x: minAmount },
      outputs: { totals },
      run: () => ({ totals: { total: 1 } }),
    });
    node.map({
      name: "d",
      // @ts-expect-error: count is a number, not a list
      over: { x: count },
      outputs: { totals },
      run: () => ({ totals: { total: 1 } }),
    });
  });

  test("outputs must be partitioned", () => {
    node.map({
      name: "e",
      over: { events: raw },
      // @ts-expect-error: report is not partitioned
      outputs: { report },
      run: () => ({ report: { days: 1, total: 1 } }),
    });
  });
});

describe("fan-in", () => {
  test("a normal node reading a partitioned dataset receives the collection", () => {
    node({
      name: "report",
      inputs: { totals },
      outputs: { report },
      run: async ({ totals }) => {
        expectTypeOf(totals).toEqualTypeOf<Partitions<{ total: number }>>();
        expectTypeOf(totals.names).toEqualTypeOf<readonly string[]>();
        let total = 0;
        for await (const [, t] of totals) total += t.total;
        return { report: { days: totals.size, total } };
      },
    });
  });

  test("a normal node writes a partitioned dataset with partitions()", () => {
    node({
      name: "split",
      inputs: { count },
      outputs: { totals },
      run: ({ count }) => ({ totals: partitions({ all: { total: count } }) }),
    });
    node({
      name: "split2",
      inputs: { count },
      outputs: { totals },
      // @ts-expect-error: a plain record is not a Partitions collection
      run: ({ count }) => ({ totals: { all: { total: count } } }),
    });
  });
});
