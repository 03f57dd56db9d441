import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { StorageBinding } from "@pipewright/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DataError, DataStore, hashBytes } from "../src/index.ts";
import { caught, planDataset, tempProject } from "./helpers.ts";

let project: Awaited<ReturnType<typeof tempProject>>;
let store: DataStore;
beforeAll(async () => {
  project = await tempProject();
  store = new DataStore({ root: project.root });
});
afterAll(() => project.remove());

const Row = z.object({
  id: z.int(),
  name: z.string(),
  price: z.number(),
  active: z.boolean(),
  rating: z.number().nullable(),
  note: z.string().optional(),
});
const Rows = z.array(Row);
const rows: z.infer<typeof Rows> = [
  { id: 1, name: "Ada", price: 3.5, active: true, rating: null, note: "first" },
  { id: 2, name: "", price: -0.1, active: false, rating: 4.25 },
  { id: 3, name: 'quote " and, comma\nnewline', price: 1e21, active: true, rating: 0 },
];

const ds = (id: string, storage: StorageBinding) => planDataset(id, storage, "producer_node");
const text = async (rel: string) => readFile(join(project.root, rel), "utf8");

describe.each(["json", "jsonl", "csv", "parquet"])("%s tables", (type) => {
  const d = ds(`rows_${type}`, { type, uri: `data/rows.${type}` });

  it("round-trips typed rows exactly", async () => {
    await store.save(d, rows, Rows);
    expect(await store.load(d, Rows)).toEqual(rows);
  });

  it("writes the same bytes for the same value, whatever the key order", async () => {
    const first = await store.save(d, rows, Rows);
    const shuffled = rows.map((r) => Object.fromEntries(Object.entries(r).reverse()));
    const second = await store.save(d, shuffled, Rows);
    expect(second).toEqual(first);
    expect(await store.contentHash(d)).toBe(first.hash);
    expect(first.hash).toBe(await hashBytes(await readFile(join(project.root, d.storage.uri!))));
  });

  it("round-trips an empty table", async () => {
    await store.save(d, [], Rows);
    expect(await store.load(d, Rows)).toEqual([]);
  });

  it("validates on save, naming node, dataset, row and field", async () => {
    const bad = [...rows, { id: 4, name: "x", price: "cheap", active: true, rating: null }];
    const e = await caught(() => store.save(d, bad, Rows, { node: "price_it" }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.code).toBe("DATA_VALIDATION");
    expect(e).toMatchObject({ node: "price_it", dataset: d.id, row: 3, field: "price" });
    expect(e.message).toMatch(
      /^node "price_it", dataset "rows_\w+" \(data\/rows\.\w+\), row 3, field "price": Invalid input: expected number, received string \(found "cheap"\)/,
    );
  });
});

describe("csv", () => {
  const d = ds("companies", { type: "csv", uri: "data/companies.csv" });

  it("stores typed cells readably: empty string quoted, null and absent empty", async () => {
    await store.save(d, rows.slice(0, 2), Rows);
    expect(await text("data/companies.csv")).toBe(
      'id,name,price,active,rating,note\n1,Ada,3.5,true,,first\n2,"",-0.1,false,4.25,\n',
    );
  });

  it("coerces cells by the schema: numbers, booleans, dates, bigints, enums, unions, JSON fields", async () => {
    const schema = z.array(
      z.object({
        n: z.number(),
        b: z.boolean(),
        d: z.date(),
        big: z.bigint(),
        e: z.enum(["a", "b"]),
        lit: z.literal(7),
        u: z.union([z.number(), z.string()]),
        tags: z.array(z.string()),
        s: z.string(),
        nn: z.int().nullable(),
        withDefault: z.string().default("dflt"),
      }),
    );
    await project.file(
      "data/typed.csv",
      'n,b,d,big,e,lit,u,tags,s,nn,withDefault\n 2.5 ,TRUE,2024-01-02T03:04:05.000Z,9007199254740993,b,7,x1,"[""p"",""q""]",007,,\n',
    );
    const t = ds("typed", { type: "csv", uri: "data/typed.csv" });
    expect(await store.load(t, schema)).toEqual([
      {
        n: 2.5,
        b: true,
        d: new Date("2024-01-02T03:04:05.000Z"),
        big: 9007199254740993n,
        e: "b",
        lit: 7,
        u: "x1",
        tags: ["p", "q"],
        s: "007",
        nn: null,
        withDefault: "dflt",
      },
    ]);
  });

  it("without a table schema, cells stay strings", async () => {
    await project.file("data/loose.csv", "a,b\n1,\n");
    expect(
      await store.load(
        ds("loose", { type: "csv", uri: "data/loose.csv" }),
        z.array(z.record(z.string(), z.string())),
      ),
    ).toEqual([{ a: "1", b: "" }]);
  });

  it("passes load_args and save_args to csv-parse and csv-stringify", async () => {
    const semi = ds("semi", {
      type: "csv",
      uri: "data/semi.csv",
      options: { load_args: { delimiter: ";" }, save_args: { delimiter: ";" } },
    });
    await store.save(semi, rows, Rows);
    expect((await text("data/semi.csv")).split("\n")[0]).toBe("id;name;price;active;rating;note");
    expect(await store.load(semi, Rows)).toEqual(rows);
  });

  it("a malformed row is MALFORMED_DATA with its line", async () => {
    await project.file(
      "data/bad.csv",
      "id,name,price,active,rating\n1,a,2,true,\n2,b,3,false,1,EXTRA\n",
    );
    const e = await caught(() =>
      store.load(ds("bad", { type: "csv", uri: "data/bad.csv" }), Rows, { node: "clean" }),
    );
    expect(e.code).toBe("MALFORMED_DATA");
    expect(e).toMatchObject({ node: "clean", dataset: "bad", line: 3 });
    expect(e.message).toContain(
      'node "clean", dataset "bad" (data/bad.csv line 3): malformed CSV: Invalid Record Length',
    );
  });

  it("an unclosed quote is MALFORMED_DATA", async () => {
    await project.file("data/quote.csv", 'id,name\n1,"open\n');
    const e = await caught(() =>
      store.load(ds("quote", { type: "csv", uri: "data/quote.csv" }), Rows),
    );
    expect(e.code).toBe("MALFORMED_DATA");
    expect(e.message).toContain("Quote Not Closed");
  });

  it("a row failing the schema names the row, field and line", async () => {
    await project.file(
      "data/rows.csv",
      "id,name,price,active,rating\n1,a,2,true,\n2,b,abc,false,1\n3,c,4,maybe,1\n",
    );
    const e = await caught(() =>
      store.load(ds("r", { type: "csv", uri: "data/rows.csv" }), Rows, { node: "clean" }),
    );
    expect(e.code).toBe("DATA_VALIDATION");
    expect(e).toMatchObject({ row: 1, field: "price", line: 3 });
    expect(e.message).toContain(
      'node "clean", dataset "r" (data/rows.csv line 3), row 1, field "price": Invalid input: expected number, received string (found "abc")',
    );
    expect(e.message).toContain(
      'row 2, field "active": Invalid input: expected boolean, received string',
    );
  });

  it("a missing column is MALFORMED_DATA naming it", async () => {
    await project.file("data/cols.csv", "id,name,active,rating\n1,a,true,\n");
    const e = await caught(() =>
      store.load(ds("cols", { type: "csv", uri: "data/cols.csv" }), Rows),
    );
    expect(e.code).toBe("MALFORMED_DATA");
    expect(e.message).toContain(
      'the header lacks column "price" (found "id", "name", "active", "rating")',
    );
  });

  it("a nested value in a scalar field is NOT_SERIALISABLE, naming row and field", async () => {
    const loose = z.array(z.record(z.string(), z.any()));
    const e = await caught(() =>
      store.save(
        d,
        [
          { id: 1, meta: "ok" },
          { id: 2, meta: { deep: 1 } },
        ],
        loose,
        { node: "n" },
      ),
    );
    expect(e.code).toBe("NOT_SERIALISABLE");
    expect(e).toMatchObject({ row: 1, field: "meta" });
    expect(e.message).toContain(
      'node "n", dataset "companies" (data/companies.csv), row 1, field "meta": an object cannot be stored in a csv cell',
    );
    // A field the schema declares as structured is stored as JSON text, so it must be JSON.
    const typed = z.array(z.object({ id: z.int(), meta: z.any() }));
    const f = await caught(() =>
      store.save(
        d,
        [
          { id: 1, meta: { ok: 1 } },
          { id: 2, meta: new Map() },
        ],
        typed,
      ),
    );
    expect(f).toMatchObject({ code: "NOT_SERIALISABLE", row: 1, field: "meta" });
    expect(f.message).toContain("a Map cannot be stored as JSON");
  });

  it("a value that is not a list of rows is NOT_SERIALISABLE", async () => {
    const e = await caught(() => store.save(d, { a: 1 }, z.any()));
    expect(e.code).toBe("NOT_SERIALISABLE");
    expect(e.message).toContain("csv holds an array of rows, got an object");
  });
});

describe("json and jsonl", () => {
  it("json stores any JSON value, sorted and indented, honouring save_args", async () => {
    const d = ds("cfg", { type: "json", uri: "data/cfg.json" });
    await store.save(d, { b: 1, a: [true, null, "x"] }, z.any());
    expect(await text("data/cfg.json")).toBe(
      '{\n  "a": [\n    true,\n    null,\n    "x"\n  ],\n  "b": 1\n}\n',
    );
    const compact = ds("cfg2", {
      type: "json",
      uri: "data/cfg2.json",
      options: { save_args: { indent: 0 } },
    });
    await store.save(compact, { b: 1, a: 2 }, z.any());
    expect(await text("data/cfg2.json")).toBe('{"a":2,"b":1}\n');
    expect(await store.load(compact, z.object({ a: z.number(), b: z.number() }))).toEqual({
      a: 2,
      b: 1,
    });
  });

  it("json refuses what JSON would change, naming row and field", async () => {
    const d = ds("j", { type: "json", uri: "data/j.json" });
    const cases: [unknown, string][] = [
      [
        [{ when: new Date(0) }],
        'row 0, field "when": a Date (1970-01-01T00:00:00.000Z) cannot be stored as JSON',
      ],
      [{ x: Number.NaN }, 'field "x": NaN cannot be stored as JSON: JSON has no NaN'],
      [{ x: [1, undefined] }, 'field "x[1]": undefined cannot be stored as JSON'],
      [{ m: new (class Model {})() }, 'field "m": an instance of Model cannot be stored as JSON'],
      [{ big: 1n }, 'field "big": 1n cannot be stored as JSON'],
    ];
    for (const [value, message] of cases) {
      const e = await caught(() => store.save(d, value, z.any(), { node: "n" }));
      expect(e.code).toBe("NOT_SERIALISABLE");
      expect(e.message).toContain(message);
    }
  });

  it("malformed JSON is MALFORMED_DATA", async () => {
    await project.file("data/broken.json", '{\n  "a": 1,\n  "b": \n}\n');
    const e = await caught(() =>
      store.load(ds("broken", { type: "json", uri: "data/broken.json" }), z.any()),
    );
    expect(e.code).toBe("MALFORMED_DATA");
    expect(e.message).toContain('dataset "broken" (data/broken.json');
    expect(e.message).toContain("invalid JSON");
  });

  it("jsonl: a malformed line, and a row failing the schema, name their lines", async () => {
    const schema = z.array(z.object({ a: z.number() }));
    await project.file("data/l.jsonl", '{"a":1}\n\n{"a":\n');
    const e = await caught(() =>
      store.load(ds("l", { type: "jsonl", uri: "data/l.jsonl" }), schema),
    );
    expect(e.code).toBe("MALFORMED_DATA");
    expect(e.message).toContain('dataset "l" (data/l.jsonl line 3): row 1 is not valid JSON');
    await project.file("data/m.jsonl", '{"a":1}\n\n{"a":"x"}\n');
    const f = await caught(() =>
      store.load(ds("m", { type: "jsonl", uri: "data/m.jsonl" }), schema),
    );
    expect(f).toMatchObject({ code: "DATA_VALIDATION", row: 1, field: "a", line: 3 });
  });

  it("invalid UTF-8 is MALFORMED_DATA", async () => {
    await project.file("data/latin1.json", new Uint8Array([0x22, 0xe9, 0x22]));
    const e = await caught(() =>
      store.load(ds("latin1", { type: "json", uri: "data/latin1.json" }), z.any()),
    );
    expect(e.code).toBe("MALFORMED_DATA");
    expect(e.message).toContain("not valid UTF-8");
  });
});

describe("parquet", () => {
  const d = ds("table", { type: "parquet", uri: "data/table.parquet" });

  it("round-trips ints, int32s, bigints, dates, nullable, optional and nested fields", async () => {
    const schema = z.array(
      z.object({
        i: z.int(),
        i32: z.int32(),
        big: z.bigint(),
        when: z.date(),
        maybe: z.string().nullable(),
        opt: z.number().optional(),
        nested: z.object({ k: z.array(z.number()) }),
        mixed: z.union([z.number(), z.string()]),
      }),
    );
    const value = [
      {
        i: 2 ** 40,
        i32: -5,
        big: 2n ** 60n,
        when: new Date(86_400_000),
        maybe: null,
        opt: 1.5,
        nested: { k: [1, 2] },
        mixed: 1,
      },
      { i: -1, i32: 7, big: 0n, when: new Date(0), maybe: "x", nested: { k: [] }, mixed: "one" },
    ];
    await store.save(d, value, schema);
    expect(await store.load(d, schema)).toEqual(value);
  });

  it("honours save_args (codec) and still round-trips", async () => {
    const u = ds("u", {
      type: "parquet",
      uri: "data/u.parquet",
      options: { save_args: { codec: "UNCOMPRESSED", row_group_size: 2 } },
    });
    await store.save(u, rows, Rows);
    expect(await store.load(u, Rows)).toEqual(rows);
  });

  it("needs a table schema", async () => {
    const e = await caught(() => store.save(d, [{ a: 1 }], z.array(z.any())));
    expect(e.code).toBe("NOT_SERIALISABLE");
    expect(e.message).toContain("parquet needs column types");
  });

  it("a value JSON cannot hold in a JSON column is NOT_SERIALISABLE with row and field", async () => {
    const schema = z.array(z.object({ blob: z.any() }));
    const e = await caught(() =>
      store.save(d, [{ blob: { ok: 1 } }, { blob: { f: () => 1 } }], schema),
    );
    expect(e).toMatchObject({ code: "NOT_SERIALISABLE", row: 1, field: "blob.f" });
  });

  it("a file that is not parquet is MALFORMED_DATA", async () => {
    await project.file("data/fake.parquet", "id,name\n1,a\n");
    const e = await caught(() =>
      store.load(ds("fake", { type: "parquet", uri: "data/fake.parquet" }), Rows),
    );
    expect(e.code).toBe("MALFORMED_DATA");
    expect(e.message).toContain("not a readable parquet file");
  });
});

describe("text and bytes", () => {
  it("round-trip", async () => {
    const t = ds("t", { type: "text", uri: "data/t.txt" });
    await store.save(t, "héllo\nwörld", z.string());
    expect(await text("data/t.txt")).toBe("héllo\nwörld");
    expect(await store.load(t, z.string())).toBe("héllo\nwörld");
    const b = ds("b", { type: "bytes", uri: "data/b.bin" });
    const bytes = new Uint8Array([0, 255, 1, 254]);
    const saved = await store.save(b, bytes, z.instanceof(Uint8Array));
    expect(saved).toEqual({ hash: await hashBytes(bytes), bytes: 4 });
    expect(new Uint8Array((await store.load(b, z.instanceof(Uint8Array))) as Uint8Array)).toEqual(
      bytes,
    );
  });

  it("refuse values of the wrong kind", async () => {
    const e = await caught(() =>
      store.save(ds("t", { type: "text", uri: "data/t.txt" }), { a: 1 }, z.any()),
    );
    expect(e.code).toBe("NOT_SERIALISABLE");
    expect(e.message).toContain("text holds a string, got an object");
    const f = await caught(() =>
      store.save(ds("b", { type: "bytes", uri: "data/b.bin" }), "str", z.any()),
    );
    expect(f.code).toBe("NOT_SERIALISABLE");
  });
});

describe("csv edge cases", () => {
  it("a one-column table with nulls (empty lines) round-trips", async () => {
    const schema = z.array(z.object({ a: z.string().nullable() }));
    const d = ds("one", { type: "csv", uri: "data/one.csv" });
    const value = [{ a: null }, { a: "" }, { a: "x" }, { a: null }];
    await store.save(d, value, schema);
    expect(await store.load(d, schema)).toEqual(value);
  });

  it("Windows line endings and a BOM are read", async () => {
    await project.file("data/win.csv", "\uFEFFid,name,price,active,rating\r\n1,a,2,true,\r\n");
    const d = ds("win", {
      type: "csv",
      uri: "data/win.csv",
      options: { load_args: { bom: true } },
    });
    expect(await store.load(d, Rows)).toEqual([
      { id: 1, name: "a", price: 2, active: true, rating: null },
    ]);
  });
});
