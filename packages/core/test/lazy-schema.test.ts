// lazySchema stands for a zod schema built on first use (core's plan and pod schemas):
// whatever code does with a schema must work the same on it, and it is built once.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { lazySchema } from "../src/util/lazy-schema.ts";

const row = () =>
  z.object({ id: z.number().int(), name: z.string().min(1), tags: z.array(z.string()) });

describe("lazySchema", () => {
  it("builds the schema on first use, once", () => {
    let built = 0;
    const schema = lazySchema(() => {
      built++;
      return row();
    });
    expect(built).toBe(0);
    expect(schema.safeParse({ id: 1, name: "a", tags: [] }).success).toBe(true);
    expect(schema.safeParse({ id: 1.5, name: "", tags: [1] }).success).toBe(false);
    schema.parse({ id: 2, name: "b", tags: ["x"] });
    expect(built).toBe(1);
  });

  it("parses, fails and reports as the schema itself does", () => {
    const lazy = lazySchema(row);
    const real = row();
    for (const value of [
      { id: 1, name: "a", tags: [] },
      { id: "1", name: "a", tags: [] },
      { id: 1, name: "", tags: ["x", 2] },
      null,
      { id: 1, name: "a", tags: [], extra: true },
    ]) {
      const a = lazy.safeParse(value);
      const b = real.safeParse(value);
      expect(a.success).toBe(b.success);
      expect(a.success ? a.data : a.error.issues).toEqual(b.success ? b.data : b.error.issues);
    }
  });

  it("is a zod schema to zod: instanceof, nested in other schemas, extended, exported", () => {
    const lazy = lazySchema(row);
    expect(lazy instanceof z.ZodType).toBe(true);
    expect(lazy instanceof z.ZodObject).toBe(true);
    expect(Object.getPrototypeOf(lazy)).toBe(Object.getPrototypeOf(row()));
    expect(Object.keys(lazy.shape)).toEqual(["id", "name", "tags"]);
    const table = z.object({ rows: z.array(lazy), first: lazy.optional() });
    expect(table.parse({ rows: [{ id: 1, name: "a", tags: [] }] })).toEqual({
      rows: [{ id: 1, name: "a", tags: [] }],
    });
    expect(table.safeParse({ rows: [{ id: "x" }] }).success).toBe(false);
    const wider = lazy.extend({ score: z.number().nullable() });
    expect(wider.parse({ id: 1, name: "a", tags: [], score: null }).score).toBeNull();
    expect(lazy.strict().safeParse({ id: 1, name: "a", tags: [], x: 1 }).success).toBe(false);
    expect(z.toJSONSchema(lazy)).toEqual(z.toJSONSchema(row()));
    expect(z.toJSONSchema(table)).toEqual(
      z.toJSONSchema(z.object({ rows: z.array(row()), first: row().optional() })),
    );
  });

  it("its keys, and properties written or removed through it, are the built schema's", () => {
    const built = row();
    const lazy = lazySchema(() => built);
    expect("safeParse" in lazy).toBe(true);
    expect(Reflect.ownKeys(lazy)).toEqual(Reflect.ownKeys(built));
    expect(Object.getOwnPropertyDescriptor(lazy, "_zod")?.value).toBe(built._zod);
    (lazy as unknown as { note: string }).note = "set";
    expect((built as unknown as { note: string }).note).toBe("set");
    Object.defineProperty(lazy, "defined", { value: 1, configurable: true });
    expect((built as unknown as { defined: number }).defined).toBe(1);
    delete (lazy as unknown as { note?: string }).note;
    expect("note" in built).toBe(false);
    // An assignment runs the schema's own setters (zod binds methods through some).
    const seen: unknown[] = [];
    const withSetter = Object.create({
      set value(v: unknown) {
        seen.push(v);
      },
    }) as { value: unknown };
    lazySchema(() => withSetter).value = 3;
    expect(seen).toEqual([3]);
  });

  it("a lazy schema inside another lazy one, as core's plan schemas nest", () => {
    const id = lazySchema(() => z.string().min(1));
    const node = lazySchema(() => z.object({ id, after: z.array(id), parent: id.nullable() }));
    const plan = lazySchema(() => z.object({ nodes: z.array(node) }));
    expect(plan.parse({ nodes: [{ id: "a", after: [], parent: null }] }).nodes[0]!.id).toBe("a");
    const failed = plan.safeParse({ nodes: [{ id: "", after: [""], parent: "" }] });
    expect(failed.success).toBe(false);
    expect(failed.error!.issues.map((i) => i.path.join("."))).toEqual([
      "nodes.0.id",
      "nodes.0.after.0",
      "nodes.0.parent",
    ]);
  });
});
