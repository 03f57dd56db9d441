import { describe, expect, it } from "vitest";
import { fitOls, predict, solve } from "../src/lib/ols.ts";
import { mulberry32, normal } from "../src/lib/random.ts";

describe("fitOls", () => {
  it("recovers an exact line", () => {
    const model = fitOls([[1], [2], [3]], [3, 5, 7]);
    expect(model.intercept).toBeCloseTo(1, 10);
    expect(model.coefficients[0]).toBeCloseTo(2, 10);
  });

  it("recovers several coefficients from noisy data", () => {
    const rand = mulberry32(7);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const row = [rand() * 10, rand() < 0.5 ? 1 : 0, normal(rand, 50, 5)];
      x.push(row);
      y.push(4 + 3 * row[0]! - 2 * row[1]! + 0.5 * row[2]! + normal(rand, 0, 0.1));
    }
    const model = fitOls(x, y);
    expect(model.intercept).toBeCloseTo(4, 1);
    expect(model.coefficients[0]).toBeCloseTo(3, 2);
    expect(model.coefficients[1]).toBeCloseTo(-2, 2);
    expect(model.coefficients[2]).toBeCloseTo(0.5, 2);
  });

  it("predicts with the fitted coefficients", () => {
    expect(
      predict({ intercept: 1, coefficients: [2, -1] }, [
        [3, 4],
        [0, 0],
      ]),
    ).toEqual([3, 1]);
  });

  it("rejects a duplicated feature as a singular system", () => {
    expect(() =>
      fitOls(
        [
          [1, 1],
          [2, 2],
          [3, 3],
          [4, 4],
        ],
        [1, 2, 3, 4],
      ),
    ).toThrow(/singular system/);
  });

  it("rejects fewer rows than coefficients", () => {
    expect(() => fitOls([[1, 2]], [1])).toThrow(/1 rows cannot fit 3 coefficients/);
  });

  it("rejects X and y of different lengths", () => {
    expect(() => fitOls([[1], [2]], [1])).toThrow(/2 rows of X but 1 targets/);
  });
});

describe("solve", () => {
  it("needs pivoting when the first pivot is zero", () => {
    const z = solve(
      [
        [0, 1],
        [1, 0],
      ],
      [2, 3],
    );
    expect(z).toEqual([3, 2]);
  });
});
