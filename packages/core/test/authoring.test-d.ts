import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { type Dataset, dataset, node, param } from "../src/index.ts";

const companies = dataset("companies", z.array(z.object({ id: z.number(), name: z.string() })));
const count = dataset("count", z.number());
const threshold = param("threshold", z.number().min(0));

describe("dataset and param", () => {
  test("a dataset carries its zod type", () => {
    expectTypeOf(companies).toEqualTypeOf<Dataset<{ id: number; name: string }[]>>();
  });
});

describe("node", () => {
  test("run receives typed inputs, params included", () => {
    node({
      name: "count",
      inputs: { companies, threshold },
      outputs: { count },
      run: (inputs) => {
        expectTypeOf(inputs.companies).toEqualTypeOf<{ id: number; name: string }[]>();
        expectTypeOf(inputs.threshold).toEqualTypeOf<number>();
        return { count: inputs.companies.length };
      },
    });
  });

  test("async run is accepted", () => {
    node({
      name: "n",
      inputs: { companies },
      outputs: { count },
      run: async ({ companies }) => ({ count: companies.length }),
    });
  });

  test("a misspelled input key is an error", () => {
    node({
      name: "n",
      inputs: { companies },
      outputs: { count },
      // @ts-expect-error: "company" is not an input
      run: ({ company }) => ({ count: company.length }),
    });
  });

  test("a wrong output type is an error", () => {
    node({
      name: "n",
      inputs: { companies },
      outputs: { count },
      // @ts-expect-error: count must be a number
      run: () => ({ count: "three" }),
    });
  });

  test("a missing output key is an error", () => {
    node({
      name: "n",
      inputs: { companies },
      outputs: { count, other: count },
      // @ts-expect-error: "other" is missing
      run: () => ({ count: 1 }),
    });
  });

  test("an extra output key is an error", () => {
    node({
      name: "n",
      inputs: { companies },
      outputs: { count },
      // @ts-expect-error: "extra" is not an output
      run: () => ({ count: 1, extra: 2 }),
    });
  });

  test("a misspelled output key is an error", () => {
    node({
      name: "n",
      outputs: { count },
      // @ts-expect-error: "cont" is not an output
      run: () => ({ cont: 1 }),
    });
  });

  test("using an input's value with the wrong type is an error", () => {
    node({
      name: "n",
      inputs: { threshold },
      outputs: { count },
      run: ({ threshold }) => {
        // @ts-expect-error: threshold is a number
        threshold.toUpperCase();
        return { count: threshold };
      },
    });
  });
});
