import { node, type Pipeline, param, pipeline } from "@pipewright/core";
import { z } from "zod";
import {
  FEATURE_COLUMNS,
  modelInputTable,
  regressor,
  scores,
  xTest,
  xTrain,
  yTest,
  yTrain,
} from "../datasets.ts";
import { regressionScores, rounded } from "../lib/metrics.ts";
import { fitOls, predict } from "../lib/ols.ts";
import { splitData } from "../lib/split.ts";

// Params are read from conf/params.yaml. Under the namespace "active" these names
// become "active.model_options.test_size" and so on, so each variant has its own.
const testSize = param("model_options.test_size", z.number().gt(0).lt(1));
const randomState = param("model_options.random_state", z.number().int());
const features = param("model_options.features", z.array(z.enum(FEATURE_COLUMNS)).min(1));

/**
 * The modelling pipeline, without a namespace: split the model input table, fit a
 * linear regression of the price, score it on the held-out rows.
 */
export function modelling(): Pipeline {
  return pipeline([
    node({
      name: "split_data",
      inputs: { table: modelInputTable, testSize, randomState, features },
      outputs: { xTrain, xTest, yTrain, yTest },
      run: ({ table, testSize, randomState, features }) =>
        splitData(table, features, testSize, randomState),
      tags: ["training"],
    }),
    node({
      name: "train_model",
      inputs: { x: xTrain, y: yTrain, features },
      outputs: { model: regressor },
      run: ({ x, y, features }) => ({ model: { features, ...fitOls(x, y) } }),
      tags: ["training"],
    }),
    node({
      name: "evaluate_model",
      inputs: { model: regressor, x: xTest, y: yTest },
      outputs: { scores },
      run: ({ model, x, y }) => ({ scores: rounded(regressionScores(y, predict(model, x))) }),
      tags: ["evaluation"],
    }),
  ]);
}

/**
 * The modelling pipeline twice: "active" (the model in production) and "candidate"
 * (a challenger with other features and split). Both read the shared, un-namespaced
 * model_input_table; everything else, params included, is prefixed with the namespace.
 */
export function dataScience(): Pipeline {
  const base = modelling();
  return pipeline([
    base.namespace("active", { inputs: ["model_input_table"] }),
    base.namespace("candidate", { inputs: ["model_input_table"] }),
  ]);
}
