export { cleanTransactions, customerFeatureRows, summariseFeatures } from "./features.ts";
export { type CustomerFeatureOptions, customerFeatures, transactions } from "./pipeline.ts";
export {
  type CustomerFeatureRow,
  customerFeatureSchema,
  type FeatureSummary,
  summarySchema,
  type Transaction,
  transactionRow,
} from "./schemas.ts";
