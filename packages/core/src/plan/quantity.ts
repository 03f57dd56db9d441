/**
 * Kubernetes resource quantities ("500m", "2", "1.5Gi", "1e3"), as node resources and the
 * adapters' defaults are written. Parsed to validate them at compile time (a bad one would
 * otherwise fail only when a pod is created mid-run) and to compare them: a task running
 * several nodes asks for the largest request among them.
 */

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// The quantity grammar of k8s.io/apimachinery (resource.Quantity, as the CRDs' pattern
// has it), without the sign: a number, then a binary or decimal suffix or an exponent.
const QUANTITY =
  /^(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?(?:\d+(?:\.\d*)?|\.\d+))|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/**
 * The value of a quantity in base units, or undefined when `text` is not a quantity.
 *
 * @example
 * parseQuantity("500m") // 0.5
 */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ""]!;
}

/** The larger of two valid quantities (the first on a tie), as written. */
export function maxQuantity(a: string, b: string): string {
  return parseQuantity(b)! > parseQuantity(a)! ? b : a;
}
