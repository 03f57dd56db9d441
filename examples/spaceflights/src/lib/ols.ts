/**
 * Ordinary least squares with an intercept, solved from the normal equations
 * (XᵀX) β = Xᵀy by Gaussian elimination with partial pivoting. Fine for the few dozen
 * features of this example; a large or ill-conditioned problem wants a QR solver.
 */
export interface LinearModel {
  intercept: number;
  coefficients: number[];
}

/**
 * Fits `y ≈ intercept + X·coefficients`.
 *
 * @example
 * fitOls([[1], [2], [3]], [3, 5, 7]); // { intercept: 1, coefficients: [2] }
 */
export function fitOls(x: readonly (readonly number[])[], y: readonly number[]): LinearModel {
  if (x.length !== y.length)
    throw new Error(`fitOls: ${x.length} rows of X but ${y.length} targets`);
  const p = (x[0]?.length ?? 0) + 1;
  if (x.length < p)
    throw new Error(
      `fitOls: ${x.length} rows cannot fit ${p} coefficients; use fewer features or more data`,
    );
  // Accumulate XᵀX and Xᵀy with a leading column of ones for the intercept.
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  for (let r = 0; r < x.length; r++) {
    const row = [1, ...x[r]!];
    for (let i = 0; i < p; i++) {
      xty[i]! += row[i]! * y[r]!;
      for (let j = 0; j < p; j++) xtx[i]![j]! += row[i]! * row[j]!;
    }
  }
  const beta = solve(xtx, xty);
  return { intercept: beta[0]!, coefficients: beta.slice(1) };
}

/** Predictions of a fitted model for each row of `x`. */
export function predict(model: LinearModel, x: readonly (readonly number[])[]): number[] {
  return x.map((row) =>
    row.reduce((sum, v, i) => sum + v * model.coefficients[i]!, model.intercept),
  );
}

/** Solves a·z = b for a square matrix; throws when a is (numerically) singular. */
export function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-9) {
      throw new Error(
        `singular system: column ${col} is a linear combination of the others (a constant or duplicated feature?)`,
      );
    }
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}
