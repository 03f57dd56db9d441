import { SPECIES, type Species } from "../datasets.ts";

export type Confusion = Record<Species, Record<Species, number>>;

/** confusion[actual][predicted]: how many rows of each species were predicted as each. */
export function confusionMatrix(
  pairs: readonly { actual: Species; predicted: Species }[],
): Confusion {
  const zero = () => Object.fromEntries(SPECIES.map((s) => [s, 0])) as Record<Species, number>;
  const m = Object.fromEntries(SPECIES.map((s) => [s, zero()])) as Confusion;
  for (const { actual, predicted } of pairs) m[actual][predicted]++;
  return m;
}

/**
 * Accuracy, per-class F1 and their unweighted mean (macro F1), as scikit-learn's
 * `classification_report` computes them; a class never predicted nor present scores 0.
 * Rounded to 4 decimals, so reports and `runs diff` show 0.9778, not 0.977777…
 *
 * @example
 * classificationScores(confusionMatrix([{ actual: "setosa", predicted: "setosa" }])).accuracy; // 1
 */
export function classificationScores(m: Confusion) {
  let correct = 0;
  let total = 0;
  const f1: Record<Species, number> = { setosa: 0, versicolor: 0, virginica: 0 };
  for (const s of SPECIES) {
    const tp = m[s][s];
    const actual = SPECIES.reduce((n, p) => n + m[s][p], 0);
    const predicted = SPECIES.reduce((n, a) => n + m[a][s], 0);
    correct += tp;
    total += actual;
    // F1 = 2·TP / (actual + predicted): the harmonic mean of precision and recall.
    f1[s] = actual + predicted === 0 ? 0 : (2 * tp) / (actual + predicted);
  }
  if (total === 0) throw new Error("classificationScores: no predictions to score");
  return {
    accuracy: round4(correct / total),
    macro_f1: round4(SPECIES.reduce((s, c) => s + f1[c], 0) / SPECIES.length),
    f1_setosa: round4(f1.setosa),
    f1_versicolor: round4(f1.versicolor),
    f1_virginica: round4(f1.virginica),
  };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
