/**
 * Writes data/01_raw/flowers.csv: 100 flowers of each of three species, drawn from
 * normal distributions with the means and spreads of Fisher's iris measurements, from
 * a fixed seed. setosa stands apart; versicolor and virginica overlap, so a classifier
 * makes a few mistakes and the choice of features and k shows in the scores.
 *
 *   npx tsx scripts/generate-data.ts        (from examples/iris-like)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FEATURES, SPECIES, type Species } from "../src/datasets.ts";
import { mulberry32, normal, shuffledIndices } from "../src/lib/random.ts";

export const SEED = 1936;
const PER_SPECIES = 100;

/** [mean, standard deviation] of sepal length, sepal width, petal length, petal width (cm). */
const SHAPES: Record<Species, [number, number][]> = {
  setosa: [
    [5.0, 0.35],
    [3.4, 0.38],
    [1.46, 0.17],
    [0.24, 0.11],
  ],
  versicolor: [
    [5.94, 0.52],
    [2.77, 0.31],
    [4.26, 0.47],
    [1.33, 0.2],
  ],
  virginica: [
    [6.59, 0.64],
    [2.97, 0.32],
    [5.55, 0.55],
    [2.03, 0.27],
  ],
};

/** The CSV text of the flowers, in a seeded random order. */
export function generateFlowers(seed = SEED): string {
  const rand = mulberry32(seed);
  const rows: string[] = [];
  for (const species of SPECIES) {
    for (let i = 0; i < PER_SPECIES; i++) {
      // Measured to a millimetre, and never below one.
      const values = SHAPES[species].map(([mean, sd]) =>
        Math.max(0.1, normal(rand, mean, sd)).toFixed(1),
      );
      rows.push([...values, species].join(","));
    }
  }
  const order = shuffledIndices(rows.length, seed);
  return `${[[...FEATURES, "species"].join(","), ...order.map((i) => rows[i])].join("\n")}\n`;
}

export const FLOWERS_CSV = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "data",
  "01_raw",
  "flowers.csv",
);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(dirname(FLOWERS_CSV), { recursive: true });
  writeFileSync(FLOWERS_CSV, generateFlowers());
  console.log(`wrote data/01_raw/flowers.csv (${SPECIES.length * PER_SPECIES} rows)`);
}
