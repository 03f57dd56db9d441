import { describe, expect, it } from "vitest";
import { regressionScores, rounded } from "../src/lib/metrics.ts";

describe("regressionScores", () => {
  it("computes r2, mae and max_error as scikit-learn does", () => {
    const s = regressionScores([1, 2, 3], [1, 2, 4]);
    expect(s.r2).toBeCloseTo(0.5, 12);
    expect(s.mae).toBeCloseTo(1 / 3, 12);
    expect(s.max_error).toBe(1);
  });

  it("gives r2 = 1 for a perfect prediction and below 0 for a worse-than-mean one", () => {
    expect(regressionScores([1, 2, 3], [1, 2, 3]).r2).toBe(1);
    expect(regressionScores([1, 2, 3], [3, 2, 1]).r2).toBe(-3);
  });

  it("follows scikit-learn for a constant target", () => {
    expect(regressionScores([2, 2], [2, 2]).r2).toBe(1);
    expect(regressionScores([2, 2], [2, 3]).r2).toBe(0);
  });

  it("rejects empty or mismatched lists", () => {
    expect(() => regressionScores([], [])).toThrow(/non-empty/);
    expect(() => regressionScores([1], [1, 2])).toThrow(/got 1 and 2/);
  });
});

describe("rounded", () => {
  it("rounds every score to 4 decimals by default", () => {
    expect(rounded({ r2: 0.38897475667854364, mae: 356.0734769603807 })).toEqual({
      r2: 0.389,
      mae: 356.0735,
    });
    expect(rounded({ a: 1.25 }, 1)).toEqual({ a: 1.3 });
  });
});
