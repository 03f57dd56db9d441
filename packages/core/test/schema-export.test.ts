// compile writes most schemas' JSON itself (plainJsonSchema) instead of calling zod's
// exporter: on random schemas, plain and odd, the JSON must be zod's, byte for byte.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { random } from "../../../test/support/random-plan.ts";
import { plainJsonSchema, referenceJsonSchema, schemaInfo } from "../src/compile/schemas.ts";
import { hashJson } from "../src/util/canonical.ts";

type Gen = (depth: number) => z.ZodType;

function generator(next: () => number): Gen {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const name = () => pick(["a", "b", "id", "at", "x_1", "value", "__proto__", "constructor", "1"]);
  // Hostile texts: quotes, escapes, non-ASCII, numeric keys (JavaScript orders them first).
  const text = () =>
    pick(["t", "f", "1", "10", 'a"b', "back\\slash", "ü", "😀", "", " ", "__proto__", "\n"]);
  const pattern = () =>
    new RegExp(
      pick(["^\\d+$", "^\\$[\\d,]+\\.\\d+$", "a|b", '["/]', "ü+", "^(t|f)$", "x"]),
      pick(["", "i", "u"]),
    );
  const enumValues = (): [string, ...string[]] => {
    const values = new Set([text()]);
    for (let i = Math.floor(next() * 4); i > 0; i--) values.add(text());
    return [...values] as [string, ...string[]];
  };
  const leaves: (() => z.ZodType)[] = [
    () => z.string(),
    () => z.number(),
    () => z.boolean(),
    () => z.string().min(2),
    () => z.email(),
    () => z.int(),
    () => z.number().max(3),
    () => z.string().describe("a text"),
    () => z.number().meta({ title: "n" }),
    () => z.literal("k"),
    () => z.enum(["p", "q"]),
    () => z.null(),
    () => z.date(),
    () => z.any(),
    // The checks and types the fast writer also writes, and their near misses (zod's).
    () => z.number().int(),
    () => z.int().nullable(),
    () => z.number().int().min(0),
    () => z.number().describe("n").int(),
    // Metadata registered on the very schema a check is added to (no clone in between).
    () => z.number().register(z.globalRegistry, { description: "r" }).int(),
    () => z.number().int().meta({ title: "i" }),
    () => z.int32(),
    () => z.string().regex(pattern()),
    () => z.string().regex(pattern()).regex(pattern()),
    () => z.string().meta({ title: "s" }).regex(pattern()),
    () => z.string().startsWith("a"),
    () => z.enum(enumValues()),
    () => z.enum({ A: 1, B: 2 }),
    () => z.enum({ A: "a", 2: "two" }),
    () => z.number().nullable(),
    () => z.string().nullable().optional(),
    () => z.boolean().optional().nullable(),
  ];
  const gen: Gen = (depth) => {
    // Plain leaves most of the time, so that many schemas are plain throughout.
    if (depth <= 0 || next() < 0.3)
      return next() < 0.6 ? pick(leaves.slice(0, 3))() : pick(leaves)();
    const inner = () => gen(depth - 1);
    const shape = () => {
      const s: Record<string, z.ZodType> = {};
      // defineProperty: a "__proto__" key is an own key, as in an object literal's computed key.
      for (let i = Math.floor(next() * 4); i > 0; i--)
        Object.defineProperty(s, name(), {
          value: inner(),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return s;
    };
    return pick<() => z.ZodType>([
      () => z.object(shape()),
      () => z.object(shape()),
      () => z.strictObject(shape()),
      () => z.looseObject(shape()),
      () => z.array(inner()),
      () => z.array(inner()).min(1),
      () => inner().optional(),
      () => inner().nullable(),
      () => inner().default(undefined as never),
      () => z.union([inner(), inner()]),
      () => z.record(z.string(), inner()),
      () => z.object(shape()).describe("a table"),
      () => {
        const shared = inner();
        return z.object({ left: shared, right: shared });
      },
      // A schema that contains itself (zod v4's getter idiom), reached through a random
      // wrapper and with random siblings: the fast writer must leave it to zod's exporter.
      () => {
        const wrap = pick<(t: z.ZodType) => z.ZodType>([
          (t) => z.array(t),
          (t) => t.optional(),
          (t) => z.union([t, z.null()]),
          (t) => z.record(z.string(), t),
        ]);
        const fields = shape();
        const self: z.ZodType = z.object({
          ...fields,
          get children() {
            return wrap(self);
          },
        });
        return self;
      },
    ])();
  };
  return gen;
}

describe("plainJsonSchema", () => {
  it("writes zod's JSON Schema, key order included, or leaves the schema to zod", () => {
    let plain = 0;
    let recursive = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const schema = generator(random(seed))(3);
      let reference: string;
      try {
        reference = JSON.stringify(referenceJsonSchema(schema));
      } catch {
        continue; // zod cannot export it either; compile reports that through zod
      }
      const fast = plainJsonSchema(schema);
      if (fast !== undefined) {
        plain++;
        expect(JSON.stringify(fast), `seed ${seed}`).toBe(reference);
      }
      if (reference.includes('"$ref"')) recursive++;
      const info = schemaInfo(schema);
      expect(JSON.stringify(info.json), `seed ${seed}`).toBe(reference);
      // The hash is of the canonical JSON, written by hand on the fast path.
      expect(info.hash, `seed ${seed}`).toBe(hashJson(JSON.parse(reference)));
    }
    // The generator must exercise the fast path, not only the fallback, and recursion.
    expect(plain).toBeGreaterThan(800);
    expect(recursive).toBeGreaterThan(100);
  });

  it("leaves a schema that contains itself to zod, which writes $defs and $ref", () => {
    const category: z.ZodType = z.object({
      name: z.string(),
      get subcategories() {
        return z.array(category);
      },
    });
    const tree = z.array(z.object({ root: category }));
    for (const schema of [category, tree]) {
      expect(plainJsonSchema(schema)).toBeUndefined();
      expect(schemaInfo(schema).json).toEqual(referenceJsonSchema(schema));
      expect(JSON.stringify(schemaInfo(schema).json)).toContain('"$ref"');
    }
  });

  it("covers the schemas datasets usually have", () => {
    const row = z.object({
      id: z.number(),
      name: z.string(),
      tags: z.array(z.string()),
      active: z.boolean().optional(),
      nested: z.strictObject({ x: z.number() }),
    });
    expect(plainJsonSchema(z.array(row))).toEqual(referenceJsonSchema(z.array(row)));
    // Columns as spaceflights declares them: integers, patterns, flags, nullable numbers.
    const company = z.object({
      id: z.number().int(),
      rating: z.string().regex(/^(\d+(\.\d+)?%)?$/),
      approved: z.enum(["t", "f"]),
      score: z.number().nullable(),
      fleet: z.int().nullable(),
    });
    for (const schema of [company, z.array(company), company.nullable()]) {
      const fast = plainJsonSchema(schema);
      expect(fast).toBeDefined();
      expect(JSON.stringify(fast)).toBe(JSON.stringify(referenceJsonSchema(schema)));
      expect(schemaInfo(schema).hash).toBe(hashJson(referenceJsonSchema(schema)));
    }
  });
});
