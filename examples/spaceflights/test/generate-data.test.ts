import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateData, RAW_DIR } from "../scripts/generate-data.ts";

describe("scripts/generate-data.ts", () => {
  it("reproduces the committed raw files byte for byte", () => {
    const files = generateData();
    expect(Object.keys(files).sort()).toEqual(["companies.csv", "reviews.csv", "shuttles.csv"]);
    for (const [name, text] of Object.entries(files)) {
      expect(text, `data/01_raw/${name} differs: run npx tsx scripts/generate-data.ts`).toBe(
        readFileSync(join(RAW_DIR, name), "utf8"),
      );
    }
  });

  it("depends on the seed", () => {
    expect(generateData(1)["shuttles.csv"]).not.toBe(generateData(2)["shuttles.csv"]);
  });
});
