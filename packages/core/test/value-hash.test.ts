// A param value's hash (packages/core/src/compile/value-hash.ts) is object-hash's for every
// value: written by hand for the kinds YAML gives, by object-hash itself for the others.
import { createRequire } from "node:module";
import { describe, expect, test } from "vitest";
import { AWKWARD_NUMBERS } from "../../../test/support/awkward-numbers.ts";
import { random } from "../../../test/support/random.ts";
import { seededText } from "../../../test/support/random-text.ts";
import { valueHash } from "../src/compile/value-hash.ts";

const objectHash = createRequire(import.meta.url)("object-hash") as typeof import("object-hash");
const reference = (value: unknown) => objectHash(value ?? null, { unorderedObjects: true });

class Point {
  constructor(readonly x: number) {}
}

// Keys object-hash treats specially, keys Object.keys orders first, and awkward text.
const KEYS = [
  "a",
  "b",
  "prototype",
  "__proto__",
  "constructor",
  "10",
  "2",
  "é",
  "",
  "k:v",
  "\uD800",
];
const UNITS = [
  "a",
  "Z",
  " ",
  ":",
  ",",
  '"',
  "\\",
  "\n",
  "\0",
  "é",
  "𝄞",
  "\uD800",
  "\uDC00",
  "[CIRCULAR:0]",
];

/**
 * A seeded random value: mostly what YAML gives, with shared and circular objects,
 * null-prototype objects, holes, and values only object-hash writes (a Date, a Map, a class
 * instance, a function of ours, a symbol).
 */
function randomValue(next: () => number, shared: object[], depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const r = next();
  if (shared.length > 0 && r < 0.08) return pick(shared);
  if (depth < 4 && r < 0.3) {
    const array: unknown[] = [];
    shared.push(array);
    const length = Math.floor(next() * 5);
    for (let i = 0; i < length; i++)
      if (next() > 0.1) array[i] = randomValue(next, shared, depth + 1);
    array.length = length;
    return array;
  }
  if (depth < 4 && r < 0.55) {
    const object: Record<string, unknown> = next() < 0.15 ? Object.create(null) : {};
    shared.push(object);
    for (let i = Math.floor(next() * 5); i > 0; i--) {
      // defineProperty, so "__proto__" is an own key rather than the prototype.
      Object.defineProperty(object, pick(KEYS), {
        value: randomValue(next, shared, depth + 1),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return object;
  }
  if (r < 0.6) {
    return pick<unknown>([
      new Date(0),
      new Map([["a", 1]]),
      new Set([1]),
      new Point(1),
      () => 1,
      Symbol("s"),
      Buffer.from("x"),
      /re/g,
    ]);
  }
  return pick<unknown>([
    ...AWKWARD_NUMBERS,
    10n,
    true,
    false,
    null,
    undefined,
    Math.max,
    Object,
    seededText(next, UNITS, 12),
  ]);
}

describe("valueHash", () => {
  test("equals object-hash on 5,000 random values", () => {
    const next = random(12);
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(next, []);
      expect(valueHash(value), `case ${i}`).toBe(reference(value));
    }
  });

  test("equals object-hash on the values params hold", () => {
    for (const value of [
      { test_size: 0.2, random_state: 3, features: ["engines", "crew"] },
      [{ a: 1 }, { a: 1 }],
      "text",
      42,
      null,
      undefined,
      [],
      {},
    ]) {
      expect(valueHash(value)).toBe(reference(value));
    }
  });
});
