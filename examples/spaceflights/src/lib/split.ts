import type { FeatureColumn, ModelInputRow } from "../datasets.ts";
import { shuffledIndices } from "./random.ts";

export interface Split {
  xTrain: number[][];
  xTest: number[][];
  yTrain: number[];
  yTest: number[];
}

/** A row's feature values in the given order; booleans become 1 and 0. */
export function featureVector(row: ModelInputRow, features: readonly FeatureColumn[]): number[] {
  return features.map((f) => Number(row[f]));
}

/**
 * Shuffles the rows with a seed and holds out `testSize` of them (rounded up, at least
 * one), like scikit-learn's `train_test_split`; the target is the price.
 *
 * @example
 * splitData(table, ["engines", "crew"], 0.2, 3).xTest.length; // ceil(0.2 * table.length)
 */
export function splitData(
  rows: readonly ModelInputRow[],
  features: readonly FeatureColumn[],
  testSize: number,
  seed: number,
): Split {
  const nTest = Math.min(rows.length - 1, Math.max(1, Math.ceil(testSize * rows.length)));
  const order = shuffledIndices(rows.length, seed);
  const split: Split = { xTrain: [], xTest: [], yTrain: [], yTest: [] };
  order.forEach((index, position) => {
    const row = rows[index]!;
    const test = position < nTest;
    (test ? split.xTest : split.xTrain).push(featureVector(row, features));
    (test ? split.yTest : split.yTrain).push(row.price);
  });
  return split;
}
