import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "..", "golden");

/** Compares `text` with test/golden/<name>; rewrites the file only when UPDATE_GOLDEN=1. */
export function expectGolden(name: string, text: string, dir = GOLDEN): void {
  const file = join(dir, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  if (!existsSync(file))
    throw new Error(`golden file ${file} is missing: run with UPDATE_GOLDEN=1 to create it`);
  expect(text).toBe(readFileSync(file, "utf8"));
}
