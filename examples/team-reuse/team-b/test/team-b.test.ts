import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { generateWebOrders, WEB_ORDERS } from "../scripts/generate-data.ts";
import { atRisk } from "../src/churn.ts";
import { all } from "../src/pipelines.ts";

const root = join(import.meta.dirname, "..");
const params = YAML.parse(readFileSync(join(root, "conf/params.yaml"), "utf8"));

describe("team B", () => {
  it("imports the shared pipeline by package name, never by path", () => {
    const source = readFileSync(join(root, "src/pipelines.ts"), "utf8");
    expect(source).toContain('from "@acme/feature-pipeline"');
    expect(source).not.toMatch(/from "\.\.?\/.*feature-pipeline/);
  });

  it("binds the shared pipeline to its own dataset and param names", () => {
    const plan = compile(all(), { root, params });
    expect(plan.order).toEqual([
      "web.clean_transactions",
      "web.build_customer_features",
      "flag_churn_risk",
    ]);
    expect(plan.inputs).toEqual(["web_orders"]);
    expect(plan.datasets.find((d) => d.id === "web_customer_features")!.producer).toBe(
      "web.build_customer_features",
    );
    expect(plan.params.map((p) => [p.id, p.value])).toEqual([
      ["churn.inactive_days", 45],
      ["limits.max_order_value", 500],
      ["web.features.as_of", "2024-06-30"],
    ]);
  });

  it("flags quiet subscribers, most at risk first", () => {
    const base = { orders: 1, total_spend: 1, mean_spend: 1, max_spend: 1, share_add_on: 0 };
    const rows = [
      { ...base, customer_id: "a", days_since_last_order: 50, share_subscription: 1 },
      { ...base, customer_id: "b", days_since_last_order: 80, share_subscription: 0.6 },
      { ...base, customer_id: "c", days_since_last_order: 90, share_subscription: 0.2 },
      { ...base, customer_id: "d", days_since_last_order: 10, share_subscription: 1 },
    ];
    expect(atRisk(rows, 45).map((r) => r.customer_id)).toEqual(["b", "a"]);
  });

  it("reproduces the committed web_orders.jsonl from its seed", () => {
    expect(generateWebOrders()).toBe(readFileSync(WEB_ORDERS, "utf8"));
  });
});
