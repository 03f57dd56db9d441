/**
 * A string of up to `max - 1` pieces drawn from `units` by a generator made by `random`
 * (random.ts): names and hashes for tests whose property must hold for any text. (Its own
 * file: random.ts is part of a golden plan's code fingerprint.)
 */
export function seededText(next: () => number, units: readonly string[], max: number): string {
  return Array.from(
    { length: Math.floor(next() * max) },
    () => units[Math.floor(next() * units.length)],
  ).join("");
}
