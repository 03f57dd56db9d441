// Names that must not collide (temporary files, logs, run ids) take a random tag
// (src/util/random-tag.ts): of the length asked, file-safe, and different each time.
import { expect, test } from "vitest";
import { randomTag } from "../src/util/random-tag.ts";

test("a tag has the length asked, only lowercase letters and digits, and 10,000 tags do not repeat", () => {
  for (const length of [1, 4, 8, 12, 16, 40]) {
    for (let i = 0; i < 50; i++)
      expect(randomTag(length)).toMatch(new RegExp(`^[a-z0-9]{${length}}$`));
  }
  expect(randomTag()).toHaveLength(8);
  const tags = new Set(Array.from({ length: 10_000 }, () => randomTag(8)));
  expect(tags.size).toBe(10_000);
});
