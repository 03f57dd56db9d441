import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FLOWERS_CSV, generateFlowers } from "../scripts/generate-data.ts";

describe("scripts/generate-data.ts", () => {
  it("reproduces the committed flowers.csv byte for byte", () => {
    expect(
      generateFlowers(),
      "data/01_raw/flowers.csv differs: run npx tsx scripts/generate-data.ts",
    ).toBe(readFileSync(FLOWERS_CSV, "utf8"));
  });

  it("writes 100 flowers of each species", () => {
    const species = generateFlowers()
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(",")[4]);
    for (const s of ["setosa", "versicolor", "virginica"])
      expect(species.filter((x) => x === s)).toHaveLength(100);
  });
});
