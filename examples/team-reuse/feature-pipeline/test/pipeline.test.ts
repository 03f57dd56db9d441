import { CompileError, compile, dataset, PipewrightError } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { customerFeatureSchema, customerFeatures } from "../src/index.ts";

const params = (ns: string) => ({
  [ns]: { cleaning: { max_amount: 1000 }, features: { as_of: "2024-06-30" } },
});

describe("customerFeatures()", () => {
  it("builds clean -> features -> summary, with params read through param()", () => {
    const plan = compile(customerFeatures({ categories: ["books"] }).namespace("shop"), {
      params: params("shop"),
    });
    expect(plan.order).toEqual([
      "shop.clean_transactions",
      "shop.build_customer_features",
      "shop.summarise_features",
    ]);
    expect(plan.inputs).toEqual(["shop.transactions"]);
    expect(plan.params.map((p) => p.id)).toEqual([
      "shop.cleaning.max_amount",
      "shop.features.as_of",
    ]);
    expect(plan.nodes.every((n) => n.tags.includes("features"))).toBe(true);
  });

  it("leaves the summary out on request, and adds the consumer's tags", () => {
    const p = customerFeatures({ categories: ["books"], summary: false, tags: ["team-x"] });
    expect(p.nodes.map((n) => n.name)).toEqual(["clean_transactions", "build_customer_features"]);
    expect(p.nodes.every((n) => n.tags.includes("team-x"))).toBe(true);
  });

  it("binds to a consumer's dataset names and param names", () => {
    const mine = dataset("my_features", customerFeatureSchema(["books", "toys"]));
    const p = customerFeatures({ categories: ["books", "toys"] }).namespace("web", {
      inputs: { transactions: "orders" },
      outputs: { customer_features: mine },
      params: { "cleaning.max_amount": "limits.max_order" },
    });
    const plan = compile(p, {
      params: { limits: { max_order: 50 }, web: { features: { as_of: "2024-01-01" } } },
    });
    expect(plan.inputs).toEqual(["orders"]);
    expect(plan.datasets.map((d) => d.id)).toContain("my_features");
    expect(plan.params.map((p) => p.id)).toEqual(["limits.max_order", "web.features.as_of"]);
  });

  it("refuses to bind the features to a dataset of other categories", () => {
    const wrong = dataset("my_features", customerFeatureSchema(["garden"]));
    expect(() =>
      customerFeatures({ categories: ["books"] }).namespace("web", {
        outputs: { customer_features: wrong },
      }),
    ).toThrow(CompileError);
  });

  it("rejects categories that cannot be column names", () => {
    expect(() => customerFeatures({ categories: ["Home & Garden"] })).toThrow(PipewrightError);
    expect(() => customerFeatures({ categories: ["Home & Garden"] })).toThrow(/"Home & Garden"/);
    expect(() => customerFeatures({ categories: [] })).toThrow(/non-empty/);
  });

  it("validates its params with their schemas", () => {
    const p = customerFeatures({ categories: ["books"] }).namespace("shop");
    const bad = { shop: { cleaning: { max_amount: -1 }, features: { as_of: "last tuesday" } } };
    expect(() => compile(p, { params: bad })).toThrow(
      /shop\.cleaning\.max_amount[\s\S]*shop\.features\.as_of/,
    );
  });
});
