import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { generateOrders, ORDERS_CSV } from "../scripts/generate-data.ts";
import { all, segmentation } from "../src/pipelines.ts";
import { segmentOf } from "../src/segments.ts";

const root = join(import.meta.dirname, "..");
const params = YAML.parse(readFileSync(join(root, "conf/params.yaml"), "utf8"));

describe("team A", () => {
  it("imports the shared pipeline by package name, never by path", () => {
    const source = readFileSync(join(root, "src/pipelines.ts"), "utf8");
    expect(source).toContain('from "@acme/feature-pipeline"');
    expect(source).not.toMatch(/from "\.\.?\/.*feature-pipeline/);
  });

  it("runs the shared pipeline under its namespace, fed from its own orders", () => {
    const plan = compile(all(), { root, params });
    expect(plan.order).toEqual([
      "retail.clean_transactions",
      "retail.build_customer_features",
      "retail.summarise_features",
      "segment_customers",
    ]);
    expect(plan.inputs).toEqual(["orders"]);
    expect(plan.params.map((p) => p.id)).toEqual([
      "retail.cleaning.max_amount",
      "retail.features.as_of",
      "segments.lapsed_after_days",
      "segments.vip_spend",
    ]);
    // The shared code is fingerprinted like our own: editing the package reruns its nodes.
    const build = plan.nodes.find((n) => n.id === "retail.build_customer_features")!;
    expect(Object.keys(plan.code[build.codeHash]!.files)).toContain(
      "../feature-pipeline/src/features.ts",
    );
  });

  it("can run its own step alone, from the stored features", () => {
    expect(compile(segmentation(), { root, params }).inputs).toEqual(["retail.customer_features"]);
  });

  it("segments customers by spend and recency", () => {
    const row = {
      customer_id: "C1",
      orders: 3,
      total_spend: 2000,
      mean_spend: 0,
      max_spend: 0,
      days_since_last_order: 10,
    };
    expect(segmentOf(row, 1500, 90)).toBe("vip");
    expect(segmentOf({ ...row, total_spend: 100 }, 1500, 90)).toBe("regular");
    expect(segmentOf({ ...row, days_since_last_order: 91 }, 1500, 90)).toBe("lapsed");
  });

  it("reproduces the committed orders.csv from its seed", () => {
    expect(generateOrders()).toBe(readFileSync(ORDERS_CSV, "utf8"));
  });
});
