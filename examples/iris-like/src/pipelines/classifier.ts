import { node, type Pipeline, param, pipeline } from "@pipewright/core";
import { z } from "zod";
import {
  confusion,
  FEATURES,
  flowers,
  model,
  predictions,
  scores,
  testSet,
  trainSet,
} from "../datasets.ts";
import { classificationScores, confusionMatrix } from "../lib/classification.ts";
import { fitKnn, predictKnn } from "../lib/knn.ts";
import { stratifiedSplit } from "../lib/split.ts";

// Each param is read by the node that needs it, so changing model.k reruns only
// predict and evaluate: the split and the fitted scaling stay cached.
const testFraction = param("split.test_fraction", z.number().gt(0).lt(1));
const seed = param("split.seed", z.number().int());
const features = param("model.features", z.array(z.enum(FEATURES)).min(1));
const k = param("model.k", z.number().int().min(1));

/** Split, fit k-nearest neighbours, predict the held-out flowers and score them. */
export function classifier(): Pipeline {
  return pipeline([
    node({
      name: "split_data",
      inputs: { flowers, testFraction, seed },
      outputs: { train: trainSet, test: testSet },
      run: ({ flowers, testFraction, seed }) => stratifiedSplit(flowers, testFraction, seed),
      tags: ["training"],
    }),
    node({
      name: "train_model",
      inputs: { train: trainSet, features },
      outputs: { model },
      run: ({ train, features }) => ({ model: fitKnn(train, features) }),
      tags: ["training"],
    }),
    node({
      name: "predict",
      inputs: { model, test: testSet, k },
      outputs: { predictions },
      run: ({ model, test, k }) => ({
        predictions: test.map((row) => ({
          actual: row.species,
          predicted: predictKnn(model, row, k),
        })),
      }),
      tags: ["evaluation"],
    }),
    node({
      name: "evaluate",
      inputs: { predictions },
      outputs: { scores, confusion },
      run: ({ predictions }) => {
        const matrix = confusionMatrix(predictions);
        return { scores: classificationScores(matrix), confusion: matrix };
      },
      tags: ["evaluation"],
    }),
  ]);
}
