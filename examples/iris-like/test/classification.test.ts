import { describe, expect, it } from "vitest";
import type { Flower } from "../src/datasets.ts";
import { classificationScores, confusionMatrix } from "../src/lib/classification.ts";
import { fitKnn, predictKnn, scale } from "../src/lib/knn.ts";
import { stratifiedSplit } from "../src/lib/split.ts";

const flower = (species: Flower["species"], petal: number, sepal = 5): Flower => ({
  sepal_length: sepal,
  sepal_width: 3,
  petal_length: petal,
  petal_width: petal / 3,
  species,
});

describe("confusion matrix and scores", () => {
  it("computes accuracy and per-class F1 as scikit-learn does", () => {
    const m = confusionMatrix([
      { actual: "setosa", predicted: "setosa" },
      { actual: "setosa", predicted: "setosa" },
      { actual: "versicolor", predicted: "versicolor" },
      { actual: "versicolor", predicted: "virginica" },
      { actual: "virginica", predicted: "virginica" },
    ]);
    expect(m.versicolor).toEqual({ setosa: 0, versicolor: 1, virginica: 1 });
    const s = classificationScores(m);
    // versicolor: precision 1/1, recall 1/2 -> F1 2/3; virginica: precision 1/2, recall 1/1 -> 2/3.
    // Macro F1: (1 + 2/3 + 2/3) / 3 = 7/9. Rounded to 4 decimals.
    expect(s).toEqual({
      accuracy: 0.8,
      f1_setosa: 1,
      f1_versicolor: 0.6667,
      f1_virginica: 0.6667,
      macro_f1: 0.7778,
    });
  });

  it("scores 0 for a class that is neither present nor predicted, and refuses no data", () => {
    expect(
      classificationScores(confusionMatrix([{ actual: "setosa", predicted: "setosa" }]))
        .f1_virginica,
    ).toBe(0);
    expect(() => classificationScores(confusionMatrix([]))).toThrow(/no predictions/);
  });
});

describe("k-nearest neighbours", () => {
  const train = [
    flower("setosa", 1),
    flower("setosa", 1.2),
    flower("versicolor", 4),
    flower("virginica", 6),
    flower("virginica", 6.2),
  ];

  it("standardises the chosen features with the training mean and deviation", () => {
    const m = fitKnn(train, ["petal_length", "sepal_length"]);
    expect(m.features).toEqual(["petal_length", "sepal_length"]);
    expect(m.mean[0]).toBeCloseTo(3.68, 12);
    // sepal_length is constant: a unit scale instead of a division by zero.
    expect(m.sd[1]).toBe(1);
    expect(scale(m, flower("setosa", m.mean[0]!))).toEqual([0, 0]);
  });

  it("votes among the k nearest points", () => {
    const m = fitKnn(train, ["petal_length"]);
    expect(predictKnn(m, flower("setosa", 4.1), 1)).toBe("versicolor");
    // The three nearest to 4.9 are versicolor (4), virginica (6) and virginica (6.2).
    expect(predictKnn(m, flower("setosa", 4.9), 3)).toBe("virginica");
  });

  it("breaks a tie in votes by the nearest neighbour", () => {
    const m = fitKnn(train, ["petal_length"]);
    // k = 2 near 3.5: versicolor (4) and setosa (1.2) get one vote each; versicolor is nearer.
    expect(predictKnn(m, flower("setosa", 3.5), 2)).toBe("versicolor");
  });
});

describe("stratifiedSplit", () => {
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => flower("setosa", 1 + i / 100)),
    ...Array.from({ length: 20 }, (_, i) => flower("versicolor", 4 + i / 100)),
  ];

  it("holds out the fraction of each species, the same rows for the same seed", () => {
    const a = stratifiedSplit(rows, 0.3, 1);
    expect(a.test.filter((r) => r.species === "setosa")).toHaveLength(3);
    expect(a.test.filter((r) => r.species === "versicolor")).toHaveLength(6);
    expect(a.train).toHaveLength(21);
    expect(stratifiedSplit(rows, 0.3, 1)).toEqual(a);
    expect(stratifiedSplit(rows, 0.3, 2).test).not.toEqual(a.test);
    expect([...a.train, ...a.test].map((r) => r.petal_length).sort()).toEqual(
      rows.map((r) => r.petal_length).sort(),
    );
  });
});
