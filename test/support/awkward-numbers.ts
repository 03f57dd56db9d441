/**
 * Numbers whose text or identity trips serialisers: zero's sign, exponents, non-finite
 * ones. (Its own file: random.ts is part of a golden plan's code fingerprint.)
 */
export const AWKWARD_NUMBERS: readonly number[] = [
  0,
  -0,
  1.5,
  -7,
  1e21,
  Number.POSITIVE_INFINITY,
  Number.NaN,
];
