import { dataset, metrics } from "@pipewright/core";
import { z } from "zod";

// One handle per dataset, shared by both modular pipelines: a dataset declared twice
// with different schemas is a compile error, so the table is declared once, here.

/** A percentage as written in the raw files ("92%"), or "" when unknown. */
const rawPercent = z.string().regex(/^(\d+(\.\d+)?%)?$/);
/** Kedro's raw booleans: "t" or "f". */
const rawFlag = z.enum(["t", "f"]);

const rawCompanyRow = z.object({
  id: z.number().int(),
  company_rating: rawPercent,
  company_location: z.string(),
  total_fleet_count: z.number().int(),
  iata_approved: rawFlag,
});
export type RawCompany = z.infer<typeof rawCompanyRow>;

export const companies = dataset("companies", z.array(rawCompanyRow), {
  description: "Space shuttle operators, as delivered: ratings are percentages, flags are t/f.",
});

const rawShuttleRow = z.object({
  id: z.number().int(),
  shuttle_location: z.string(),
  shuttle_type: z.string(),
  engine_type: z.string(),
  engine_vendor: z.string(),
  engines: z.number().int(),
  passenger_capacity: z.number().int(),
  cancellation_policy: z.string(),
  crew: z.number().int(),
  d_check_complete: rawFlag,
  moon_clearance_complete: rawFlag,
  // Dollars as text: "$1,325.0".
  price: z.string().regex(/^\$[\d,]+\.\d+$/),
  company_id: z.number().int(),
});
export type RawShuttle = z.infer<typeof rawShuttleRow>;

export const shuttles = dataset("shuttles", z.array(rawShuttleRow), {
  description: "Shuttles for hire, with their price per trip (the target).",
});

const reviewRow = z.object({
  shuttle_id: z.number().int(),
  review_scores_rating: z.number(),
  review_scores_comfort: z.number(),
  review_scores_amenities: z.number(),
  review_scores_trip: z.number(),
  review_scores_crew: z.number(),
  review_scores_location: z.number(),
  review_scores_price: z.number(),
  number_of_reviews: z.number().int(),
  reviews_per_month: z.number(),
});
export type Review = z.infer<typeof reviewRow>;

export const reviews = dataset("reviews", z.array(reviewRow), {
  description: "Passenger reviews, at most one summary row per shuttle.",
});

const companyRow = z.object({
  id: z.number().int(),
  company_rating: z.number().nullable(),
  company_location: z.string(),
  total_fleet_count: z.number().int(),
  iata_approved: z.boolean(),
});
export type Company = z.infer<typeof companyRow>;

export const preprocessedCompanies = dataset("preprocessed_companies", z.array(companyRow), {
  description: "Companies with numeric ratings (0..1, null when unknown) and boolean flags.",
});

const shuttleRow = z.object({
  id: z.number().int(),
  shuttle_location: z.string(),
  shuttle_type: z.string(),
  engine_type: z.string(),
  engine_vendor: z.string(),
  engines: z.number().int(),
  passenger_capacity: z.number().int(),
  cancellation_policy: z.string(),
  crew: z.number().int(),
  d_check_complete: z.boolean(),
  moon_clearance_complete: z.boolean(),
  price: z.number(),
  company_id: z.number().int(),
});
export type Shuttle = z.infer<typeof shuttleRow>;

export const preprocessedShuttles = dataset("preprocessed_shuttles", z.array(shuttleRow), {
  description: "Shuttles with numeric prices and boolean flags.",
});

/** The columns a model may use as features: every numeric or boolean column but the target. */
export const FEATURE_COLUMNS = [
  "engines",
  "passenger_capacity",
  "crew",
  "d_check_complete",
  "moon_clearance_complete",
  "iata_approved",
  "company_rating",
  "total_fleet_count",
  "review_scores_rating",
  "review_scores_comfort",
  "review_scores_amenities",
  "review_scores_trip",
  "review_scores_crew",
  "review_scores_location",
  "review_scores_price",
  "number_of_reviews",
  "reviews_per_month",
] as const;
export type FeatureColumn = (typeof FEATURE_COLUMNS)[number];

const modelInputRow = shuttleRow
  .omit({ id: true })
  .extend({
    shuttle_id: z.number().int(),
    company_rating: z.number(),
    company_location: z.string(),
    total_fleet_count: z.number().int(),
    iata_approved: z.boolean(),
  })
  .extend(reviewRow.shape);
export type ModelInputRow = z.infer<typeof modelInputRow>;

export const modelInputTable = dataset("model_input_table", z.array(modelInputRow), {
  description: "One row per reviewed shuttle of a rated company: what the models learn from.",
});

// The modelling datasets. Inside a namespace they become e.g. "active.X_train".
const matrix = z.array(z.array(z.number()));
const vector = z.array(z.number());
export const xTrain = dataset("X_train", matrix);
export const xTest = dataset("X_test", matrix);
export const yTrain = dataset("y_train", vector);
export const yTest = dataset("y_test", vector);

export const regressor = dataset(
  "regressor",
  z.object({
    features: z.array(z.string()),
    intercept: z.number(),
    coefficients: z.array(z.number()),
  }),
  { description: "A fitted linear regression: price = intercept + sum(coefficient * feature)." },
);

export const scores = metrics(
  "metrics",
  z.object({
    r2: z.number(),
    mae: z.number(),
    max_error: z.number(),
  }),
  { description: "Test-set scores of the regressor." },
);
