import { node, type Pipeline, pipeline } from "@pipewright/core";
import {
  companies,
  modelInputTable,
  preprocessedCompanies,
  preprocessedShuttles,
  reviews,
  shuttles,
} from "../datasets.ts";
import {
  createModelInputTable,
  preprocessCompanies,
  preprocessShuttles,
} from "../lib/preprocessing.ts";

/**
 * Raw companies, shuttles and reviews -> typed tables -> one model input table.
 * Every output is persistent (see conf/catalog.yaml): the modelling pipeline reads the
 * table from storage, so it can run on its own (`--pipeline data_science`).
 */
export function dataProcessing(): Pipeline {
  return pipeline(
    [
      node({
        name: "preprocess_companies",
        inputs: { companies },
        outputs: { preprocessed: preprocessedCompanies },
        run: ({ companies }) => ({ preprocessed: preprocessCompanies(companies) }),
      }),
      node({
        name: "preprocess_shuttles",
        inputs: { shuttles },
        outputs: { preprocessed: preprocessedShuttles },
        run: ({ shuttles }) => ({ preprocessed: preprocessShuttles(shuttles) }),
      }),
      node({
        name: "create_model_input_table",
        inputs: { shuttles: preprocessedShuttles, companies: preprocessedCompanies, reviews },
        outputs: { table: modelInputTable },
        run: ({ shuttles, companies, reviews }) => ({
          table: createModelInputTable(shuttles, companies, reviews),
        }),
      }),
    ],
    { tags: ["data_processing"] },
  );
}
