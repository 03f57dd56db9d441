/** Regression scores, named as scikit-learn names them. */
export interface RegressionScores {
  r2: number;
  mae: number;
  max_error: number;
}

/**
 * Coefficient of determination, mean absolute error and largest absolute error.
 *
 * @example
 * regressionScores([1, 2, 3], [1, 2, 4]); // { r2: 0.5, mae: 0.333…, max_error: 1 }
 */
export function regressionScores(
  actual: readonly number[],
  predicted: readonly number[],
): RegressionScores {
  if (actual.length === 0 || actual.length !== predicted.length) {
    throw new Error(
      `regressionScores: need equally long, non-empty lists (got ${actual.length} and ${predicted.length})`,
    );
  }
  const mean = actual.reduce((s, v) => s + v, 0) / actual.length;
  let ssRes = 0;
  let ssTot = 0;
  let absSum = 0;
  let maxAbs = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = actual[i]! - predicted[i]!;
    ssRes += err * err;
    ssTot += (actual[i]! - mean) ** 2;
    absSum += Math.abs(err);
    maxAbs = Math.max(maxAbs, Math.abs(err));
  }
  // scikit-learn's convention for a constant target: 1 if predicted exactly, else 0.
  const r2 = ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  return { r2, mae: absSum / actual.length, max_error: maxAbs };
}

/**
 * Every value rounded to `digits` decimals: reports and `runs diff` then show 0.389
 * rather than 0.38897475667854364, and tiny float noise cannot look like a change.
 */
export function rounded<T extends { [K in keyof T]: number }>(scores: T, digits = 4): T {
  const f = 10 ** digits;
  return Object.fromEntries(
    Object.entries<number>(scores).map(([k, v]) => [k, Math.round(v * f) / f]),
  ) as T;
}
