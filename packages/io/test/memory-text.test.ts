import { describe, expect, it } from "vitest";
import { z } from "zod";
import { canonicalText, fromCanonicalText, taggedText } from "../src/formats/memory.ts";

const ctx = { dataset: "d", schema: z.any(), options: {} };

/** A deterministic pseudo-random plain JSON value (mulberry32). */
function randomJson(seed: number): unknown {
  let s = seed;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gen = (depth: number): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.3) {
      const k = Math.floor(rnd() * 5);
      return [
        null,
        rnd() < 0.5,
        rnd() * 1e6 - 5e5,
        `s${Math.floor(rnd() * 100)}\n"é`,
        Math.floor(rnd() * 100),
      ][k];
    }
    if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => gen(depth + 1));
    return Object.fromEntries(
      Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [
        `k${Math.floor(rnd() * 10)}_${i}`,
        gen(depth + 1),
      ]),
    );
  };
  return gen(0);
}

describe("canonical text of in-memory values", () => {
  it("the plain-data fast path gives exactly the tagged encoder's text", () => {
    for (let seed = 0; seed < 500; seed++) {
      const v = randomJson(seed);
      expect(canonicalText(v, ctx, true)).toBe(taggedText(v, ctx, true));
      expect(fromCanonicalText(canonicalText(v, ctx, true))).toEqual(v);
    }
  });

  it("falls back to tags where plain JSON would be ambiguous or lossy", () => {
    expect(canonicalText({ a: undefined }, ctx, true)).toBe('{"a":{"$u":1}}');
    expect(canonicalText({ $a: 1 }, ctx, true)).toBe('{"$obj":{"$a":1}}');
    expect(canonicalText([-0, Number.POSITIVE_INFINITY], ctx, true)).toBe(
      '[{"$n":"-0"},{"$n":"Infinity"}]',
    );
    expect(canonicalText({ b: 1, a: new Date(0) }, ctx, true)).toBe(
      '{"a":{"$date":"1970-01-01T00:00:00.000Z"},"b":1}',
    );
  });

  it("deep nesting is handled by the tagged encoder", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(fromCanonicalText(canonicalText(deep, ctx, true))).toEqual(deep);
  });
});
