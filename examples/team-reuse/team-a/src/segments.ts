import type { CustomerFeatureRow } from "@acme/feature-pipeline";

export type Segment = "vip" | "lapsed" | "regular";

/** Team A's own rule: big spenders are "vip", customers gone quiet are "lapsed". */
export function segmentOf(
  row: CustomerFeatureRow<string>,
  vipSpend: number,
  lapsedAfterDays: number,
): Segment {
  if (row.days_since_last_order > lapsedAfterDays) return "lapsed";
  return row.total_spend >= vipSpend ? "vip" : "regular";
}
