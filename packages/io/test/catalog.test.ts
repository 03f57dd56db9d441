import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Catalog, CatalogError } from "../src/index.ts";
import { caught, tempProject } from "./helpers.ts";

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.remove());

async function load(yaml: string, env: Record<string, string | undefined> = {}) {
  const file = await project.file("conf/catalog.yaml", yaml);
  return Catalog.fromFile(file, { root: project.root, env });
}

describe("Catalog.fromFile", () => {
  it("turns entries into machine-independent bindings", async () => {
    const c = await load(`
companies:
  type: csv
  path: data/01_raw/companies.csv
  load_args: { delimiter: ";" }
  description: Companies and their ratings.
reviews:
  type: json
  uri: s3://my-bucket/raw/reviews.json
  credentials: minio
model:
  type: memory
`);
    expect(c.resolve("companies")).toEqual({
      type: "csv",
      uri: "data/01_raw/companies.csv",
      options: { load_args: { delimiter: ";" } },
    });
    expect(c.resolve("reviews")).toEqual({
      type: "json",
      uri: "s3://my-bucket/raw/reviews.json",
      credentials: "minio",
    });
    expect(c.resolve("model")).toEqual({ type: "memory" });
    expect(c.resolve("unknown")).toBeUndefined();
    expect(c.entries()).toEqual(["companies", "model", "reviews"]);
  });

  it("keeps paths project-relative and normalised, even when written absolute inside the root", async () => {
    const c = await load(
      `a:\n  type: text\n  path: ./data//x/../a.txt\nb:\n  type: text\n  path: ${join(project.root, "data", "b.txt")}\n`,
    );
    expect(c.resolve("a")?.uri).toBe("data/a.txt");
    expect(c.resolve("b")?.uri).toBe("data/b.txt");
  });

  it("ignores keys starting with _ (YAML anchors), and merges anchors", async () => {
    const c = await load(
      `_csv: &csv\n  type: csv\n  load_args: { delimiter: "|" }\nx:\n  <<: *csv\n  path: data/x.csv\n`,
    );
    expect(c.entries()).toEqual(["x"]);
    expect(c.resolve("x")).toEqual({
      type: "csv",
      uri: "data/x.csv",
      options: { load_args: { delimiter: "|" } },
    });
  });

  it("accepts an empty file", async () => {
    expect((await load("# nothing yet\n")).entries()).toEqual([]);
  });

  it("reports a missing catalog file", async () => {
    const e = await caught(() =>
      Catalog.fromFile(join(project.root, "conf/nope.yaml"), { root: project.root }),
    );
    expect(e).toBeInstanceOf(CatalogError);
    expect(e.message).toMatch(/nope\.yaml.*does not exist/);
  });
});

describe("errors name the file, line and entry", () => {
  it("YAML syntax errors", async () => {
    const e = await caught(() => load("a:\n  type: csv\n  path: [x\nb: 1\n"));
    expect(e.code).toBe("CATALOG_INVALID");
    expect(e.message).toMatch(/conf\/catalog\.yaml:\d+:\d+: invalid YAML/);
  });

  it("a duplicate entry", async () => {
    const e = await caught(() =>
      load("a:\n  type: text\n  path: a.txt\na:\n  type: text\n  path: b.txt\n"),
    );
    expect(e.message).toMatch(/catalog\.yaml:4:1: invalid YAML: Map keys must be unique/);
  });

  it("an unknown field, with did-you-mean, on its own line", async () => {
    const e = await caught(() => load("companies:\n  type: csv\n  pth: data/x.csv\n"));
    expect(e.code).toBe("CATALOG_INVALID");
    expect(e.message).toContain(
      'catalog.yaml:3: entry "companies": unknown field "pth" (did you mean "path"?)',
    );
  });

  it("a missing path, and an entry that is not a mapping", async () => {
    const e = (await caught(() => load("a:\n  type: csv\nb: data/b.csv\n"))) as CatalogError;
    expect(e.issues.map((i) => i.message)).toEqual([
      expect.stringContaining(
        'catalog.yaml:2: entry "a": field "type": a csv dataset needs "path"',
      ),
      expect.stringContaining('catalog.yaml:3: entry "b": must be a mapping'),
    ]);
  });

  it("gathers every problem into one error", async () => {
    const e = (await caught(() =>
      load(
        `a:\n  type: jsno\n  path: a.json\nb:\n  type: csv\n  path: ../../etc/passwd\nc:\n  type: csv\n  uri: gs://bucket/c.csv\n`,
      ),
    )) as CatalogError;
    expect(e.issues.map((i) => i.code)).toEqual([
      "UNKNOWN_DATASET_TYPE",
      "PATH_TRAVERSAL",
      "BAD_URI",
    ]);
    expect(e.message).toMatch(/^3 problems in the catalog/);
  });

  it("an unknown type, with did-you-mean", async () => {
    const e = await caught(() => load("a:\n  type: parqet\n  path: a.parquet\n"));
    expect(e.code).toBe("UNKNOWN_DATASET_TYPE");
    expect(e.message).toContain(
      'catalog.yaml:2: entry "a": unknown dataset type "parqet". Did you mean "parquet"?',
    );
    expect(e.message).toContain("Known types: bytes, csv, json, jsonl, memory, parquet, text");
  });

  it("format options the format does not take", async () => {
    const e = await caught(() =>
      load("a:\n  type: csv\n  path: a.csv\n  load_args:\n    delimeter: ';'\n"),
    );
    expect(e.code).toBe("CATALOG_INVALID");
    expect(e.message).toContain(
      'catalog.yaml:5: entry "a": load_args: csv does not take "delimeter"',
    );
  });

  it("bad URIs", async () => {
    for (const [uri, why] of [
      ["ftp://host/x.csv", /"ftp:" URIs are not supported/],
      ["s3://Bad_Bucket/x.csv", /invalid bucket name/],
      ["s3://bucket", /no object key/],
      ["data/x.csv", /not a URI; write project-relative paths as path:/],
      ["file:relative.csv", /not an absolute file URI/],
    ] as const) {
      const e = await caught(() => load(`a:\n  type: csv\n  uri: ${uri}\n`));
      expect(e.code, uri).toBe("BAD_URI");
      expect(e.message, uri).toMatch(why);
      expect(e.message).toContain("catalog.yaml:3");
    }
  });

  it("never echoes credentials written into a URI", async () => {
    const e = await caught(() =>
      load("a:\n  type: csv\n  uri: s3://AKIAXXX:supersecret@bucket/x.csv\n"),
    );
    expect(e.code).toBe("BAD_URI");
    expect(e.message).not.toContain("supersecret");
    const f = await caught(() =>
      load("a:\n  type: csv\n  uri: https://user:supersecret@host/x.csv\n"),
    );
    expect(f.message).not.toContain("supersecret");
  });

  it("path traversal", async () => {
    for (const path of ["../../etc/passwd", "data/../../outside.csv", "/etc/passwd"]) {
      const e = await caught(() => load(`a:\n  type: csv\n  path: ${path}\n`));
      expect(e.code, path).toBe("PATH_TRAVERSAL");
      expect(e.message).toContain('catalog.yaml:3: entry "a": path');
    }
  });

  it("a path given as a URI, both path and uri, and credentials on a local file", async () => {
    const e = (await caught(() =>
      load(
        "a:\n  type: csv\n  path: s3://b-1/x.csv\nb:\n  type: csv\n  path: b.csv\n  uri: file:///tmp/b.csv\nc:\n  type: csv\n  path: c.csv\n  credentials: minio\n",
      ),
    )) as CatalogError;
    expect(e.issues.map((i) => [i.code, i.message.split(": ").slice(0, 2).join(": ")])).toEqual([
      ["BAD_URI", 'conf/catalog.yaml:3: entry "a"'],
      ["CATALOG_INVALID", 'conf/catalog.yaml:7: entry "b"'],
      ["CATALOG_INVALID", 'conf/catalog.yaml:11: entry "c"'],
    ]);
  });

  it("a memory entry with a path", async () => {
    const e = await caught(() => load("m:\n  type: memory\n  path: m.json\n"));
    expect(e.message).toContain(
      'catalog.yaml:3: entry "m": field "path": a memory dataset has no path',
    );
  });

  it("checks credentials names when credentials are given", async () => {
    const file = await project.file(
      "conf/catalog.yaml",
      "a:\n  type: csv\n  uri: s3://bucket/a.csv\n  credentials: mini\n",
    );
    const e = await caught(() =>
      Catalog.fromFile(file, {
        root: project.root,
        credentials: { minio: { accessKeyId: "k", secretAccessKey: "s" } },
      }),
    );
    expect(e.code).toBe("MISSING_CREDENTIALS");
    expect(e.message).toContain(
      'catalog.yaml:4: entry "a": credentials "mini" are not defined in conf/credentials.yaml. Did you mean "minio"?',
    );
  });
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${env:...} syntax
describe("${env:VAR} interpolation", () => {
  it("substitutes variables and defaults anywhere in an entry", async () => {
    const c = await load(
      `a:\n  type: csv\n  uri: s3://\${env:BUCKET}/\${env:STAGE,dev}/a.csv\n  load_args: { delimiter: "\${env:SEP,;}" }\n`,
      { BUCKET: "data-lake" },
    );
    expect(c.resolve("a")).toEqual({
      type: "csv",
      uri: "s3://data-lake/dev/a.csv",
      options: { load_args: { delimiter: ";" } },
    });
  });

  it("an empty variable counts as set", async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${env:...} syntax
    const c = await load("a:\n  type: text\n  path: data/${env:SUB,x}a.txt\n", { SUB: "" });
    expect(c.resolve("a")?.uri).toBe("data/a.txt");
  });

  it("a missing variable is MISSING_ENV naming the entry and line", async () => {
    const e = await caught(() =>
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${env:...} syntax
      load("a:\n  type: csv\n  path: a.csv\nb:\n  type: csv\n  uri: s3://${env:BUCKET}/b.csv\n"),
    );
    expect(e.code).toBe("MISSING_ENV");
    expect(e.message).toContain(
      'conf/catalog.yaml:6: entry "b": environment variable BUCKET is not set',
    );
  });

  it("rejects other interpolations", async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: OmegaConf's syntax, on purpose
    const e = await caught(() => load("a:\n  type: csv\n  path: ${oc.env:X}.csv\n"));
    expect(e.code).toBe("CATALOG_INVALID");
    expect(e.message).toContain("unsupported interpolation");
  });
});

describe("patterns (dataset factories)", () => {
  const yaml = `
"{namespace}.{name}":
  type: parquet
  path: data/{namespace}/{name}.parquet
"{name}_csv":
  type: csv
  path: data/csv/{name}.csv
"{namespace}.model_input":
  type: parquet
  path: data/03_primary/{namespace}/model_input.parquet
"{default}":
  type: json
  path: data/other/{default}.json
exact.model_input:
  type: memory
`;

  it("matches ids, substituting placeholders everywhere", async () => {
    const c = await load(yaml);
    expect(c.resolve("eu.model_input")).toEqual({
      type: "parquet",
      uri: "data/03_primary/eu/model_input.parquet",
    });
    expect(c.resolve("eu.features")).toEqual({ type: "parquet", uri: "data/eu/features.parquet" });
    expect(c.resolve("shuttles_csv")).toEqual({ type: "csv", uri: "data/csv/shuttles.csv" });
    expect(c.resolve("anything")).toEqual({ type: "json", uri: "data/other/anything.json" });
  });

  it("substitutes placeholders into format options too", async () => {
    const c = await load(
      `"{name}_csv":\n  type: csv\n  path: data/{name}.csv\n  load_args: { comment: "#{name}" }\n`,
    );
    expect(c.resolve("x_csv")).toEqual({
      type: "csv",
      uri: "data/x.csv",
      options: { load_args: { comment: "#x" } },
    });
  });

  it("lookup() tells which key matched, where it was written, with the entry substituted", async () => {
    const c = await load(yaml);
    expect(c.lookup("eu.model_input")).toEqual({
      entry: { type: "parquet", path: "data/03_primary/eu/model_input.parquet" },
      key: "{namespace}.model_input",
      pattern: true,
      where: "conf/catalog.yaml:8",
    });
    expect(c.lookup("exact.model_input")).toMatchObject({
      key: "exact.model_input",
      pattern: false,
      where: "conf/catalog.yaml:14",
    });
    expect(Catalog.fromEntries({}).lookup("x")).toBeUndefined();
  });

  it("an exact entry wins over every pattern", async () => {
    expect((await load(yaml)).resolve("exact.model_input")).toEqual({ type: "memory" });
  });

  it("the most specific pattern wins (more literal characters, then more placeholders), whatever the file order", async () => {
    const reversed = yaml
      .split(/\n(?=")/)
      .reverse()
      .join("\n");
    for (const text of [yaml, reversed]) {
      const c = await load(text);
      // "{namespace}.model_input" (12 literal chars) beats "{namespace}.{name}" (1).
      expect(c.resolve("us.model_input")?.uri).toBe("data/03_primary/us/model_input.parquet");
      // "a.b_csv": "{name}_csv" (4 literal chars) beats "{namespace}.{name}" (1).
      expect(c.resolve("a.b_csv")?.uri).toBe("data/csv/a.b.csv");
    }
  });

  it("placeholders match lazily, as in Kedro", async () => {
    expect((await load(yaml)).resolve("a.b.c")?.uri).toBe("data/a/b.c.parquet");
  });

  it("at equal specificity, more placeholders win, then alphabetical order", async () => {
    const c = await load(
      `"{a}x":\n  type: text\n  path: one/{a}\n"{a}{b}x":\n  type: text\n  path: two/{a}{b}\n"x{a}":\n  type: text\n  path: three/{a}\n`,
    );
    expect(c.resolve("xxx")?.uri).toBe("two/xx");
    // "x{a}" sorts before "{a}x" ("x" < "{").
    expect(c.resolve("xx")?.uri).toBe("three/x");
  });

  it("a placeholder in path that the key lacks, and a malformed key", async () => {
    const e = (await caught(() =>
      load(
        `"{name}.x":\n  type: text\n  path: data/{nam}.txt\n"{bad-name}":\n  type: text\n  path: a.txt\n`,
      ),
    )) as CatalogError;
    expect(e.issues.map((i) => i.message)).toEqual([
      expect.stringContaining(
        'catalog.yaml:3: entry "{name}.x": path uses {nam}, which the key "{name}.x" does not define',
      ),
      expect.stringContaining(
        'catalog.yaml:4: entry "{bad-name}": invalid pattern: placeholder "{bad-name}" must be a name',
      ),
    ]);
  });

  it("a pattern cannot be steered outside the root", async () => {
    const c = await load(`"{name}":\n  type: text\n  path: data/{name}\n`);
    // Checked at load with a sample value, and again for every id at resolve time.
    const e = await caught(() => load(`"{name}":\n  type: text\n  path: ../{name}.txt\n`));
    expect(e.code).toBe("PATH_TRAVERSAL");
    expect(c.resolve("a")?.uri).toBe("data/a");
    const f = await caught(() => c.resolve("../../etc/passwd"));
    expect(f.code).toBe("PATH_TRAVERSAL");
    expect(f.message).toContain('dataset "../../etc/passwd" (via pattern "{name}")');
  });
});

describe("code entries", () => {
  it("fromEntries validates like the file, naming the source", async () => {
    const e = await caught(() =>
      Catalog.fromEntries(
        { a: { type: "csvv", path: "a.csv" } },
        { root: project.root, source: "pipewright.config.ts" },
      ),
    );
    expect(e.code).toBe("UNKNOWN_DATASET_TYPE");
    expect(e.message).toContain(
      'pipewright.config.ts: entry "a": unknown dataset type "csvv". Did you mean "csv"?',
    );
  });

  it("with(): code entries win over file entries, patterns included", async () => {
    const file = await load(
      `a:\n  type: csv\n  path: a.csv\n"{name}.x":\n  type: text\n  path: f/{name}\n`,
    );
    const c = file.with({
      a: { type: "parquet", path: "a.parquet" },
      "{name}.x": { type: "json", path: "code/{name}.json" },
      b: { type: "memory" },
    });
    expect(c.resolve("a")).toEqual({ type: "parquet", uri: "a.parquet" });
    expect(c.resolve("n.x")).toEqual({ type: "json", uri: "code/n.json" });
    expect(c.resolve("b")).toEqual({ type: "memory" });
    expect(file.resolve("a")).toEqual({ type: "csv", uri: "a.csv" });
    expect(c.entries()).toEqual(["a", "b", "{name}.x"]);
  });

  it("the root defaults to the working directory", () => {
    const c = Catalog.fromEntries({ a: { type: "text", path: "a.txt" } });
    expect(c.resolve("a")?.uri).toBe("a.txt");
  });
});
