import {
  dataset,
  ErrorCode,
  metrics,
  node,
  type Pipeline,
  PipewrightError,
  param,
  pipeline,
} from "@pipewright/core";
import { z } from "zod";
import { cleanTransactions, customerFeatureRows, summariseFeatures } from "./features.ts";
import { customerFeatureSchema, summarySchema, transactionRow } from "./schemas.ts";

export interface CustomerFeatureOptions<C extends string> {
  /**
   * Product categories that get a `share_<category>` column. This shapes the output
   * schema, so it is an option of the factory; values that only change numbers
   * (thresholds, dates) are params, read from the consumer's conf/params.yaml.
   */
  categories: readonly C[];
  /** Add the `summarise_features` node and its `feature_summary` metrics (default true). */
  summary?: boolean;
  /** Tags added to every node, e.g. the consuming team's name. */
  tags?: readonly string[];
}

/** The input every consumer binds: one row per purchase. */
export const transactions = dataset("transactions", z.array(transactionRow), {
  description: "Purchases: customer_id, order_date, amount, category.",
});

// Names are relative: a consumer's namespace "retail" makes them
// "retail.cleaning.max_amount" and "retail.features.as_of".
const maxAmount = param("cleaning.max_amount", z.number().positive());
const asOf = param("features.as_of", z.iso.date());

/**
 * A reusable pipeline: transactions -> cleaned transactions -> one feature row per
 * customer (and, optionally, summary metrics). Namespace it and bind `transactions` to
 * your own data; outputs are `customer_features` and `feature_summary`.
 *
 * @example
 * const retail = customerFeatures({ categories: ["grocery", "toys"] })
 *   .namespace("retail", { inputs: { transactions: "orders" } });
 */
export function customerFeatures<C extends string>(options: CustomerFeatureOptions<C>): Pipeline {
  const bad = options.categories.filter((c) => !/^[a-z][a-z0-9_]*$/.test(c));
  if (options.categories.length === 0 || bad.length > 0) {
    throw new PipewrightError(
      ErrorCode.INVALID_OPTION,
      `customerFeatures: categories must be a non-empty list of snake_case names (they become columns share_<name>)${bad.length > 0 ? `; got ${bad.map((c) => JSON.stringify(c)).join(", ")}` : ""}.`,
    );
  }
  const cleaned = dataset("clean_transactions", z.array(transactionRow));
  const features = dataset("customer_features", customerFeatureSchema(options.categories), {
    description: `Per customer: orders, spend, recency and the share of ${options.categories.join(", ")}.`,
  });
  const categories = [...options.categories];
  const nodes = [
    node({
      name: "clean_transactions",
      inputs: { rows: transactions, maxAmount },
      outputs: { cleaned },
      run: ({ rows, maxAmount }) => ({ cleaned: cleanTransactions(rows, maxAmount) }),
    }),
    node({
      name: "build_customer_features",
      inputs: { rows: cleaned, asOf },
      outputs: { features },
      // `categories` is captured from the factory, where the code fingerprint cannot see
      // it; it also shapes the output schema, which is in the cache key, so a consumer
      // that changes its categories still reruns this node.
      run: ({ rows, asOf }) => ({ features: customerFeatureRows(rows, categories, asOf) }),
    }),
  ];
  if (options.summary ?? true) {
    const summary = metrics("feature_summary", summarySchema);
    nodes.push(
      node({
        name: "summarise_features",
        inputs: { raw: transactions, cleaned, features },
        outputs: { summary },
        run: ({ raw, cleaned, features }) => ({
          summary: summariseFeatures(raw.length, cleaned.length, features),
        }),
      }),
    );
  }
  return pipeline(nodes, { tags: ["features", ...(options.tags ?? [])] });
}
