/** Names of nodes, datasets and params: letters, digits, `_`, `.` and `-`. */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Why a name is invalid, or undefined when it is fine. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") return `must be a string, got ${typeof name}`;
  if (name.length === 0) return "must not be empty";
  if (!NAME_PATTERN.test(name)) {
    const bad = [...new Set(name.replace(/[A-Za-z0-9_.-]/g, ""))].map((c) => JSON.stringify(c));
    return `contains ${bad.join(", ")}; use only letters, digits, "_", "." and "-"`;
  }
  if (name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
    return 'must not start or end with "." or contain ".."';
  }
  return undefined;
}

/** Levenshtein distance, for "did you mean ...?" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `name`, if one is close enough to be a likely typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** ` Did you mean "x"?` or an empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c === undefined ? "" : ` Did you mean "${c}"?`;
}
