import { z } from "zod";

/** One purchase: who, when (ISO date), how much, and in which product category. */
export const transactionRow = z.object({
  customer_id: z.string().min(1),
  order_date: z.iso.date(),
  amount: z.number(),
  category: z.string(),
});
export type Transaction = z.infer<typeof transactionRow>;

/** The columns every feature row has, whatever the categories. */
const baseFeatures = {
  customer_id: z.string(),
  orders: z.number().int(),
  total_spend: z.number(),
  mean_spend: z.number(),
  max_spend: z.number(),
  days_since_last_order: z.number().int(),
};

/** One row per customer: spend statistics and, per chosen category, its share of spend. */
export type CustomerFeatureRow<C extends string> = {
  customer_id: string;
  orders: number;
  total_spend: number;
  mean_spend: number;
  max_spend: number;
  days_since_last_order: number;
} & { [K in C as `share_${K}`]: number };

/**
 * The schema of the feature table for the given categories: flat rows, so any tabular
 * format (CSV, Parquet) can hold them. Declare a consumer's dataset with it to read the
 * features in a node of your own; the same categories give the same schema.
 *
 * @example
 * const features = dataset("retail_features", customerFeatureSchema(["grocery", "toys"]));
 */
export function customerFeatureSchema<C extends string>(
  categories: readonly C[],
): z.ZodType<CustomerFeatureRow<C>[]> {
  const shares = Object.fromEntries(
    categories.map((c) => [`share_${c}`, z.number().min(0).max(1)]),
  );
  return z.array(z.object({ ...baseFeatures, ...shares })) as unknown as z.ZodType<
    CustomerFeatureRow<C>[]
  >;
}

export const summarySchema = z.object({
  customers: z.number().int(),
  transactions_kept: z.number().int(),
  transactions_dropped: z.number().int(),
  mean_total_spend: z.number(),
});
export type FeatureSummary = z.infer<typeof summarySchema>;
