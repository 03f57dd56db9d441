import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

/**
 * Compares `text` with the golden file at `path`; with UPDATE_GOLDEN=1 set, rewrites it
 * instead. A golden only proves the output did not change: callers validate it too.
 */
export function expectGolden(path: string, text: string): void {
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return;
  }
  if (!existsSync(path))
    throw new Error(
      `golden file ${path} is missing: run the tests with UPDATE_GOLDEN=1 to create it`,
    );
  expect(text).toBe(readFileSync(path, "utf8"));
}
