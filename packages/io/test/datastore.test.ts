import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DataStore, hashBytes, registerFormat } from "../src/index.ts";
import { caught, planDataset, tempProject } from "./helpers.ts";

let project: Awaited<ReturnType<typeof tempProject>>;
let store: DataStore;
beforeAll(async () => {
  project = await tempProject();
  store = new DataStore({ root: project.root });
});
afterAll(() => project.remove());

const MEM = { type: "memory" } as const;

describe("memory datasets", () => {
  it("keep validated values in the DataStore instance", async () => {
    const d = planDataset("m", MEM, "make");
    const schema = z.object({ a: z.number(), when: z.date() });
    const saved = await store.save(d, { a: 1, when: new Date(0), extra: "stripped" }, schema);
    expect(saved.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(await store.load(d, schema)).toEqual({ a: 1, when: new Date(0) });
    expect(await store.contentHash(d)).toBe(saved.hash);
    expect(await store.exists(d)).toBe(true);
    expect(await new DataStore({ root: project.root }).exists(d)).toBe(false);
  });

  it("a consumer that mutates what it loaded does not change what the next one sees", async () => {
    const d = planDataset("shared", MEM);
    const schema = z.array(z.object({ n: z.number() }));
    await store.save(d, [{ n: 1 }], schema);
    const first = (await store.load(d, schema)) as { n: number }[];
    first[0]!.n = 99;
    first.push({ n: 2 });
    expect(await store.load(d, schema)).toEqual([{ n: 1 }]);
  });

  it("hash a canonical serialisation: equal values, equal hashes, whatever the key order", async () => {
    const a = planDataset("a", MEM);
    const b = planDataset("b", MEM);
    const h1 = await store.save(a, { x: [1, { p: 1, q: 2 }], y: new Map([["k", 1]]) }, z.any());
    const h2 = await store.save(b, { y: new Map([["k", 1]]), x: [1, { q: 2, p: 1 }] }, z.any());
    expect(h2.hash).toBe(h1.hash);
    const h3 = await store.save(b, { y: new Map([["k", 2]]), x: [1, { q: 2, p: 1 }] }, z.any());
    expect(h3.hash).not.toBe(h1.hash);
  });

  it("any value has a hash, class instances and functions included", async () => {
    class Model {
      weights = [0.5, 0.25];
      predict(x: number) {
        return x;
      }
    }
    const d = planDataset("model", MEM);
    const one = await store.save(d, new Model(), z.instanceof(Model));
    const two = await store.save(d, new Model(), z.instanceof(Model));
    expect(two.hash).toBe(one.hash);
    const m = new Model();
    m.weights[0] = 1;
    expect((await store.save(d, m, z.instanceof(Model))).hash).not.toBe(one.hash);
    expect(await store.load(d, z.instanceof(Model))).toBeInstanceOf(Model);
  });

  it("encode/decode round-trip what JSON cannot hold, and the hash is the hash of those bytes", async () => {
    const d = planDataset("rich", MEM);
    const value = {
      date: new Date(1234),
      big: 10n ** 30n,
      map: new Map<unknown, unknown>([
        [2, "b"],
        [1, new Set([3, 1])],
      ]),
      bytes: new Uint8Array([1, 2, 3]),
      floats: new Float64Array([0.5, -0]),
      undef: undefined,
      neg0: -0,
      nan: Number.NaN,
      $dollar: { $n: "not a tag" },
      re: /a+/gi,
      list: [1, undefined, null],
    };
    const bytes = await store.encode(d, value, z.any());
    expect(await store.decode(d, bytes, z.any())).toEqual(value);
    const saved = await store.save(d, value, z.any());
    expect(saved.hash).toBe(await hashBytes(bytes));
    expect(await store.readBytes(d)).toEqual(bytes);
  });

  it("encode refuses what cannot be rebuilt, naming the field", async () => {
    const d = planDataset("fn", MEM);
    const e = await caught(() =>
      store.encode(d, { model: { predict: () => 1 } }, z.any(), { node: "train" }),
    );
    expect(e).toMatchObject({ code: "NOT_SERIALISABLE", node: "train", field: "model.predict" });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await caught(() => store.encode(d, cyclic, z.any()))).message).toContain(
      "refers to itself",
    );
    // Hashing still works for such values.
    expect((await store.save(d, cyclic, z.any())).hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it("writeBytes restores a memory value from its bytes", async () => {
    const d = planDataset("restored", MEM);
    const bytes = await store.encode(d, { a: new Date(5) }, z.any());
    const fresh = new DataStore({ root: project.root });
    const r = await fresh.writeBytes(d, bytes);
    expect(r.hash).toBe(await hashBytes(bytes));
    expect(await fresh.load(d, z.object({ a: z.date() }))).toEqual({ a: new Date(5) });
    expect(await fresh.contentHash(d)).toBe(r.hash);
  });

  it("loading a memory dataset nobody saved is SOURCE_NOT_FOUND naming the producer", async () => {
    const e = await caught(() =>
      store.load(planDataset("later", MEM, "make_later"), z.any(), { node: "reader" }),
    );
    expect(e.code).toBe("SOURCE_NOT_FOUND");
    expect(e.message).toBe(
      'node "reader", dataset "later": it is in memory and has no value in this process. It is written by node "make_later": run that node first (caching keeps it cheap).',
    );
    expect(await store.contentHash(planDataset("later", MEM))).toBeUndefined();
  });
});

describe("file datasets", () => {
  it("a missing source file is SOURCE_NOT_FOUND naming dataset and path", async () => {
    const d = planDataset("companies", { type: "csv", uri: "data/01_raw/companies.csv" });
    const e = await caught(() => store.load(d, z.any(), { node: "preprocess" }));
    expect(e.code).toBe("SOURCE_NOT_FOUND");
    expect(e).toMatchObject({
      dataset: "companies",
      node: "preprocess",
      uri: "data/01_raw/companies.csv",
    });
    expect(e.message).toBe(
      'node "preprocess", dataset "companies" (data/01_raw/companies.csv): nothing is stored at data/01_raw/companies.csv. No node produces it: put the file there, or fix its path in conf/catalog.yaml.',
    );
    expect(await store.contentHash(d)).toBeUndefined();
    expect(await store.exists(d)).toBe(false);
  });

  it("save creates directories, writes atomically (no temp files left) and reports hash and size", async () => {
    const d = planDataset("deep", { type: "text", uri: "data/a/b/c/deep.txt" });
    const r = await store.save(d, "hello", z.string());
    expect(r).toEqual({ hash: await hashBytes(new TextEncoder().encode("hello")), bytes: 5 });
    expect(await readdir(join(project.root, "data/a/b/c"))).toEqual(["deep.txt"]);
    expect(await store.contentHash(d)).toBe(r.hash);
    await store.remove(d);
    expect(await store.exists(d)).toBe(false);
  });

  it("an unknown type in a plan is UNKNOWN_DATASET_TYPE with did-you-mean", async () => {
    const e = await caught(() =>
      store.load(planDataset("x", { type: "jsonl2", uri: "x.jsonl" }), z.any()),
    );
    expect(e.code).toBe("UNKNOWN_DATASET_TYPE");
    expect(e.message).toContain('unknown dataset type "jsonl2". Did you mean "jsonl"?');
  });

  it("path traversal in a plan binding is refused at read and write time", async () => {
    for (const uri of ["../../etc/passwd", "data/../../x.txt"]) {
      const d = planDataset("evil", { type: "text", uri });
      expect((await caught(() => store.load(d, z.string()))).code).toBe("PATH_TRAVERSAL");
      expect((await caught(() => store.save(d, "x", z.string()))).code).toBe("PATH_TRAVERSAL");
    }
  });

  it("a bad URI in a plan binding is BAD_URI", async () => {
    const e = await caught(() =>
      store.load(planDataset("x", { type: "text", uri: "gs://bucket/x" }), z.string()),
    );
    expect(e.code).toBe("BAD_URI");
  });

  it("file:// URIs work", async () => {
    const d = planDataset("f", {
      type: "json",
      uri: `file://${join(project.root, "data/f.json")}`,
    });
    await store.save(d, { a: 1 }, z.any());
    expect(await store.load(d, z.any())).toEqual({ a: 1 });
  });

  it("invalid options in a plan binding are reported", async () => {
    const d = planDataset("o", {
      type: "json",
      uri: "o.json",
      options: { save_args: { indent: "two" } },
    });
    expect((await caught(() => store.save(d, {}, z.any()))).code).toBe("CATALOG_INVALID");
  });
});

describe("registerFormat", () => {
  it("adds a dataset type, with option validation and wrapped errors", async () => {
    registerFormat({
      type: "upper",
      saveArgs: z.object({ suffix: z.string().optional() }).strict(),
      encode: (value, ctx) => {
        if (value === "boom") throw new Error("cannot shout that");
        return new TextEncoder().encode(
          String(value).toUpperCase() + ((ctx.options.suffix as string | undefined) ?? ""),
        );
      },
      decode: (bytes) => {
        const t = new TextDecoder().decode(bytes);
        if (t.startsWith("#")) throw new Error("comment, not data");
        return t.toLowerCase();
      },
    });
    const d = planDataset("u", {
      type: "upper",
      uri: "u.txt",
      options: { save_args: { suffix: "!" } },
    });
    await store.save(d, "abc", z.string());
    expect(await store.load(d, z.string())).toBe("abc!");
    const e = await caught(() => store.save(d, "boom", z.string(), { node: "n" }));
    expect(e.code).toBe("NOT_SERIALISABLE");
    expect(e.message).toBe(
      'node "n", dataset "u" (u.txt): upper cannot store the value: cannot shout that',
    );
    await project.file("u.txt", "#x");
    expect((await caught(() => store.load(d, z.string()))).code).toBe("MALFORMED_DATA");
  });

  it("rejects bad names and replacing memory", () => {
    expect(() =>
      registerFormat({ type: "has space", encode: () => new Uint8Array(), decode: () => 1 }),
    ).toThrow(/type must be a name/);
    expect(() =>
      registerFormat({ type: "memory", encode: () => new Uint8Array(), decode: () => 1 }),
    ).toThrow(/memory/);
  });
});
