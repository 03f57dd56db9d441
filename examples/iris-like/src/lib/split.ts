import { type Flower, SPECIES } from "../datasets.ts";
import { shuffledIndices } from "./random.ts";

/**
 * Holds out `testFraction` of each species (rounded, at least one), picked by a seeded
 * shuffle, so both sides keep the class balance and every run splits the same way.
 *
 * @example
 * stratifiedSplit(flowers, 0.3, 42).test.length; // about 30% of the flowers
 */
export function stratifiedSplit(
  rows: readonly Flower[],
  testFraction: number,
  seed: number,
): { train: Flower[]; test: Flower[] } {
  const train: Flower[] = [];
  const test: Flower[] = [];
  SPECIES.forEach((species, s) => {
    const group = rows.filter((r) => r.species === species);
    if (group.length === 0) return;
    const nTest = Math.min(group.length - 1, Math.max(1, Math.round(testFraction * group.length)));
    // One seed per species, so adding rows of one species leaves the others' split alone.
    shuffledIndices(group.length, seed + s).forEach((index, position) => {
      (position < nTest ? test : train).push(group[index]!);
    });
  });
  return { train, test };
}
