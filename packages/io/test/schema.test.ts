import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { catalogSchemaText, SCHEMA_FILE } from "../scripts/write-catalog-schema.ts";
import { Catalog, CatalogEntrySchema, CatalogFileSchema, catalogJsonSchema } from "../src/index.ts";
import { tempProject } from "./helpers.ts";

const DOC = fileURLToPath(new URL("../../../docs/catalog.md", import.meta.url));

/** The YAML under "## Example" in docs/catalog.md. */
async function docsExample(): Promise<string> {
  const md = await readFile(DOC, "utf8");
  const section = md.slice(md.indexOf("## Example"));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error("no yaml block under ## Example in docs/catalog.md");
  return m[1]!;
}

describe("catalog JSON Schema", () => {
  it("packages/io/catalog.schema.json is up to date (pnpm --filter @pipewright/io schema)", async () => {
    // Compared as data: Biome may reformat the file's whitespace.
    expect(JSON.parse(await readFile(SCHEMA_FILE, "utf8"))).toEqual(
      JSON.parse(catalogSchemaText()),
    );
  });

  const validate = new Ajv({ allErrors: true, strict: false }).compile(catalogJsonSchema());

  it("accepts the example of docs/catalog.md", async () => {
    const value = parse(await docsExample(), { merge: true });
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ["a typo in a field", { a: { type: "csv", pth: "a.csv" } }],
    ["neither path nor uri", { a: { type: "csv" } }],
    ["both path and uri", { a: { type: "csv", path: "a", uri: "s3://b-1/a" } }],
    ["a memory entry with a path", { a: { type: "memory", path: "a" } }],
    ["a missing type", { a: { path: "a.csv" } }],
  ])("rejects %s, as the loader does", (_, value) => {
    expect(validate(value)).toBe(false);
    expect(CatalogFileSchema.safeParse(value).success).toBe(false);
  });

  it("offers the known types for completion", () => {
    const entry = (
      catalogJsonSchema().additionalProperties as {
        properties: { type: { anyOf: { enum?: string[] }[] } };
      }
    ).properties.type;
    expect(entry.anyOf[0]!.enum).toEqual([
      "bytes",
      "csv",
      "json",
      "jsonl",
      "memory",
      "parquet",
      "text",
    ]);
  });

  it("CatalogEntrySchema is the schema of one entry", () => {
    expect(
      CatalogEntrySchema.parse({ type: "csv", path: "a.csv", load_args: { delimiter: ";" } }),
    ).toEqual({ type: "csv", path: "a.csv", load_args: { delimiter: ";" } });
  });
});

describe("docs/catalog.md example", () => {
  it("loads, and resolves as the page says", async () => {
    const project = await tempProject();
    try {
      const file = await project.file("conf/catalog.yaml", await docsExample());
      const catalog = await Catalog.fromFile(file, {
        root: project.root,
        env: {},
        credentials: { lake: { accessKeyId: "k", secretAccessKey: "s" } },
      });
      expect(catalog.resolve("companies")).toEqual({
        type: "csv",
        uri: "data/01_raw/companies.csv",
        options: { load_args: { delimiter: "," } },
      });
      expect(catalog.resolve("reviews")).toEqual({
        type: "jsonl",
        uri: "s3://acme-data/raw/reviews.jsonl",
        credentials: "lake",
      });
      expect(catalog.resolve("eu.model_input")?.uri).toBe("data/03_primary/eu/model_input.parquet");
      expect(catalog.resolve("eu.features")?.uri).toBe("data/02_intermediate/eu/features.json");
      expect(catalog.resolve("unlisted")).toBeUndefined();
    } finally {
      await project.remove();
    }
  });
});
