import { customerFeatureSchema, customerFeatures } from "@acme/feature-pipeline";
import { dataset, metrics, node, type Pipeline, param, pipeline } from "@pipewright/core";
import { z } from "zod";
import { atRisk } from "./churn.ts";

export const CATEGORIES = ["subscription", "add_on"] as const;

/** Our name for the shared pipeline's output, with the schema for our categories. */
const webFeatures = dataset("web_customer_features", customerFeatureSchema(CATEGORIES), {
  description: "Per web customer: orders, spend, recency, subscription and add-on shares.",
});

/**
 * The shared feature pipeline, as team B uses it: under the namespace "web", reading
 * our JSON Lines export "web_orders", writing our "web_customer_features", without the
 * summary node, and with its spend cap bound to our team-wide param
 * limits.max_order_value instead of a namespaced copy.
 */
export function webFeaturePipeline(): Pipeline {
  return customerFeatures({ categories: CATEGORIES, summary: false, tags: ["team-b"] }).namespace(
    "web",
    {
      inputs: { transactions: "web_orders" },
      outputs: { customer_features: webFeatures },
      params: { "cleaning.max_amount": "limits.max_order_value" },
    },
  );
}

const churnRisk = dataset(
  "churn_risk",
  z.array(
    z.object({
      customer_id: z.string(),
      days_since_last_order: z.number().int(),
      share_subscription: z.number(),
    }),
  ),
  { description: "Subscribers who have gone quiet, most at risk first." },
);
const churnSummary = metrics(
  "churn_summary",
  z.object({ customers: z.number().int(), at_risk: z.number().int(), share_at_risk: z.number() }),
);

/** Team B's own step: who might cancel, from the shared features. */
export function churn(): Pipeline {
  return pipeline([
    node({
      name: "flag_churn_risk",
      inputs: {
        features: webFeatures,
        inactiveDays: param("churn.inactive_days", z.number().int().positive()),
      },
      outputs: { risk: churnRisk, summary: churnSummary },
      run: ({ features, inactiveDays }) => {
        const risk = atRisk(features, inactiveDays);
        const share =
          features.length === 0 ? 0 : Math.round((risk.length / features.length) * 1e4) / 1e4;
        return {
          risk,
          summary: { customers: features.length, at_risk: risk.length, share_at_risk: share },
        };
      },
      tags: ["team-b"],
    }),
  ]);
}

export function all(): Pipeline {
  return pipeline([webFeaturePipeline(), churn()]);
}
