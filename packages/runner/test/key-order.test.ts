import { describe, expect, it } from "vitest";
import { sortedKeys } from "../src/cache/key.ts";

describe("sortedKeys (the order of a node's inputs in its cache key)", () => {
  it("is the order Array.prototype.sort gives, for any keys", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Letters, digits, "_", a non-ASCII letter and an astral one: sort compares UTF-16 units.
    const alphabet = ["a", "b", "B", "z", "0", "9", "_", "é", "𝔘"];
    for (let round = 0; round < 500; round++) {
      const o: Record<string, number> = {};
      const count = Math.floor(random() * 8);
      for (let i = 0; i < count; i++) {
        let key = "";
        const length = 1 + Math.floor(random() * 4);
        for (let j = 0; j < length; j++) key += alphabet[Math.floor(random() * alphabet.length)];
        o[key] = i;
      }
      expect(sortedKeys(o)).toEqual(Object.keys(o).sort());
    }
  });
});
