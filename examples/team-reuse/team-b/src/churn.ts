import type { CustomerFeatureRow } from "@acme/feature-pipeline";

export interface ChurnRisk {
  customer_id: string;
  days_since_last_order: number;
  share_subscription: number;
}

/**
 * Team B's own rule: a subscriber (most of whose spend is subscriptions) who has not
 * ordered for `inactiveDays` is at risk. Most at risk first, then by id.
 */
export function atRisk(
  rows: readonly CustomerFeatureRow<"subscription" | "add_on">[],
  inactiveDays: number,
): ChurnRisk[] {
  return rows
    .filter((r) => r.share_subscription >= 0.5 && r.days_since_last_order >= inactiveDays)
    .map((r) => ({
      customer_id: r.customer_id,
      days_since_last_order: r.days_since_last_order,
      share_subscription: r.share_subscription,
    }))
    .sort(
      (a, b) =>
        b.days_since_last_order - a.days_since_last_order ||
        (a.customer_id < b.customer_id ? -1 : 1),
    );
}
