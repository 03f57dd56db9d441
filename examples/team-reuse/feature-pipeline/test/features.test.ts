import { describe, expect, it } from "vitest";
import {
  cleanTransactions,
  customerFeatureRows,
  customerFeatureSchema,
  summariseFeatures,
  type Transaction,
} from "../src/index.ts";

const t = (
  customer_id: string,
  order_date: string,
  amount: number,
  category: string,
): Transaction => ({
  customer_id,
  order_date,
  amount,
  category,
});

describe("cleanTransactions", () => {
  it("drops refunds, zero amounts and outliers above the maximum", () => {
    const rows = [
      t("a", "2024-01-01", 10, "x"),
      t("a", "2024-01-02", 0, "x"),
      t("a", "2024-01-03", -5, "x"),
      t("b", "2024-01-04", 501, "x"),
    ];
    expect(cleanTransactions(rows, 500)).toEqual([rows[0]]);
  });
});

describe("customerFeatureRows", () => {
  const rows = [
    t("b", "2024-06-01", 30, "books"),
    t("a", "2024-06-20", 10, "books"),
    t("a", "2024-06-10", 30, "toys"),
    t("a", "2024-05-01", 60, "garden"),
  ];

  it("aggregates spend, recency and category shares per customer, sorted by id", () => {
    expect(customerFeatureRows(rows, ["books", "toys"], "2024-06-30")).toEqual([
      {
        customer_id: "a",
        orders: 3,
        total_spend: 100,
        mean_spend: 33.3333,
        max_spend: 60,
        days_since_last_order: 10,
        share_books: 0.1,
        share_toys: 0.3,
      },
      {
        customer_id: "b",
        orders: 1,
        total_spend: 30,
        mean_spend: 30,
        max_spend: 30,
        days_since_last_order: 29,
        share_books: 1,
        share_toys: 0,
      },
    ]);
  });

  it("produces rows the schema for the same categories accepts, and another schema rejects", () => {
    const features = customerFeatureRows(rows, ["books", "toys"], "2024-06-30");
    expect(customerFeatureSchema(["books", "toys"]).safeParse(features).success).toBe(true);
    expect(customerFeatureSchema(["books", "garden"]).safeParse(features).success).toBe(false);
  });
});

describe("summariseFeatures", () => {
  it("counts kept and dropped transactions and averages the spend", () => {
    const features = customerFeatureRows(
      [t("a", "2024-01-01", 10, "x"), t("b", "2024-01-01", 0.2, "x")],
      ["x"],
      "2024-01-02",
    );
    expect(summariseFeatures(5, 2, features)).toEqual({
      customers: 2,
      transactions_kept: 2,
      transactions_dropped: 3,
      mean_total_spend: 5.1,
    });
    expect(summariseFeatures(0, 0, []).mean_total_spend).toBe(0);
  });
});
