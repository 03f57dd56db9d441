import { customerFeatureSchema, customerFeatures } from "@acme/feature-pipeline";
import { dataset, node, type Pipeline, param, pipeline } from "@pipewright/core";
import { z } from "zod";
import { segmentOf } from "./segments.ts";

export const CATEGORIES = ["grocery", "electronics", "clothing"] as const;

/**
 * The shared feature pipeline, as team A uses it: under the namespace "retail", fed
 * from our CSV export "orders". Its outputs keep the prefix (retail.customer_features),
 * and conf/catalog.yaml stores every "retail.*" output through patterns.
 */
export function retailFeatures(): Pipeline {
  return customerFeatures({ categories: CATEGORIES, tags: ["team-a"] }).namespace("retail", {
    inputs: { transactions: "orders" },
  });
}

// Our own node reads the shared pipeline's output: a handle with the namespaced name and
// the schema the package exports for our categories (a different schema fails to compile).
const features = dataset("retail.customer_features", customerFeatureSchema(CATEGORIES));
const segments = dataset(
  "customer_segments",
  z.array(
    z.object({
      customer_id: z.string(),
      segment: z.enum(["vip", "lapsed", "regular"]),
      total_spend: z.number(),
    }),
  ),
  { description: "One marketing segment per customer." },
);

/** Team A's own step: a segment per customer, from the shared features. */
export function segmentation(): Pipeline {
  return pipeline([
    node({
      name: "segment_customers",
      inputs: {
        features,
        vipSpend: param("segments.vip_spend", z.number().positive()),
        lapsedAfterDays: param("segments.lapsed_after_days", z.number().int().positive()),
      },
      outputs: { segments },
      run: ({ features, vipSpend, lapsedAfterDays }) => ({
        segments: features.map((f) => ({
          customer_id: f.customer_id,
          segment: segmentOf(f, vipSpend, lapsedAfterDays),
          total_spend: f.total_spend,
        })),
      }),
      tags: ["team-a"],
    }),
  ]);
}

export function all(): Pipeline {
  return pipeline([retailFeatures(), segmentation()]);
}
