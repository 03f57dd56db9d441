/**
 * Kubernetes resource quantities ("500m", "2", "1.5Gi", "1e3"), parsed only to compare
 * them: a task that runs several nodes one after the other asks for the largest request
 * among them.
 */

const SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
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

// The quantity grammar of k8s.io/apimachinery (resource.Quantity), without the sign.
const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/** The value of a quantity in base units, or undefined when `text` is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ""]!;
}

/** The larger of two quantities (the first on a tie), as written. Both must be valid. */
export function maxQuantity(a: string, b: string): string {
  return parseQuantity(b)! > parseQuantity(a)! ? b : a;
}
