import type { CustomerFeatureRow, FeatureSummary, Transaction } from "./schemas.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Drops refunds and zero amounts (amount <= 0) and outliers above `maxAmount`, which in
 * a shop's data are usually test orders or bulk B2B deals that would swamp the averages.
 */
export function cleanTransactions(rows: readonly Transaction[], maxAmount: number): Transaction[] {
  return rows.filter((r) => r.amount > 0 && r.amount <= maxAmount);
}

/**
 * Aggregates transactions into one row per customer, sorted by customer id: number of
 * orders, total, mean and largest spend, days from the last order to `asOf`, and for each
 * of `categories` the share of the customer's spend in it (0 when none).
 *
 * @example
 * customerFeatureRows(rows, ["books"], "2024-06-30")[0].share_books; // e.g. 0.25
 */
export function customerFeatureRows<C extends string>(
  rows: readonly Transaction[],
  categories: readonly C[],
  asOf: string,
): CustomerFeatureRow<C>[] {
  const byCustomer = new Map<string, Transaction[]>();
  for (const r of rows) {
    const list = byCustomer.get(r.customer_id);
    if (list) list.push(r);
    else byCustomer.set(r.customer_id, [r]);
  }
  const reference = Date.parse(asOf);
  return [...byCustomer.keys()].sort().map((id) => {
    const orders = byCustomer.get(id)!;
    const total = orders.reduce((s, o) => s + o.amount, 0);
    const last = Math.max(...orders.map((o) => Date.parse(o.order_date)));
    const shares = Object.fromEntries(
      categories.map((c) => [
        `share_${c}`,
        round(orders.filter((o) => o.category === c).reduce((s, o) => s + o.amount, 0) / total),
      ]),
    );
    return {
      customer_id: id,
      orders: orders.length,
      total_spend: round(total),
      mean_spend: round(total / orders.length),
      max_spend: Math.max(...orders.map((o) => o.amount)),
      days_since_last_order: Math.round((reference - last) / DAY_MS),
      ...shares,
    } as CustomerFeatureRow<C>;
  });
}

/** How much the cleaning kept, and what the average customer spent. */
export function summariseFeatures(
  rawCount: number,
  keptCount: number,
  features: readonly CustomerFeatureRow<string>[],
): FeatureSummary {
  const total = features.reduce((s, f) => s + f.total_spend, 0);
  return {
    customers: features.length,
    transactions_kept: keptCount,
    transactions_dropped: rawCount - keptCount,
    mean_total_spend: features.length === 0 ? 0 : round(total / features.length),
  };
}

/** Rounded to 4 decimals: sums of floats then compare equal across formats and runs. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
