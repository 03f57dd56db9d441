import { compile, dataset, node, pipeline, serializePlan } from "@pipewright/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Catalog, DataStore } from "../src/index.ts";
import { caught, tempProject } from "./helpers.ts";

// The catalog as the compiler sees it: bindings land in the plan, and a DataStore reading
// only the plan moves the data.
const Company = z.object({ id: z.int(), name: z.string(), rating: z.number().nullable() });
const companies = dataset("companies", z.array(Company));
const rated = dataset("eu.rated", z.array(Company));
const summary = dataset("eu.summary", z.object({ count: z.int(), mean: z.number() }));
const scratch = dataset("scratch", z.array(z.number()));

const rate = node({
  name: "rate",
  inputs: { companies },
  outputs: { rated, scratch },
  run: ({ companies }) => ({ rated: companies.filter((c) => c.rating !== null), scratch: [1] }),
});
const summarise = node({
  name: "summarise",
  inputs: { rated },
  outputs: { summary },
  run: ({ rated }) => ({
    summary: {
      count: rated.length,
      mean: rated.reduce((s, c) => s + (c.rating ?? 0), 0) / rated.length,
    },
  }),
});

let project: Awaited<ReturnType<typeof tempProject>>;
let catalog: Catalog;
beforeAll(async () => {
  project = await tempProject();
  await project.file(
    "data/01_raw/companies.csv",
    "id,name,rating\n1,Acme,4.5\n2,Globex,\n3,Initech,3.5\n",
  );
  const file = await project.file(
    "conf/catalog.yaml",
    `companies:
  type: csv
  path: data/01_raw/companies.csv
"{namespace}.{name}":
  type: parquet
  path: data/02_intermediate/{namespace}/{name}.parquet
"{namespace}.summary":
  type: json
  path: data/08_reporting/{namespace}_summary.json
`,
  );
  catalog = await Catalog.fromFile(file, { root: project.root, env: {} });
});
afterAll(() => project.remove());

describe("catalog -> compile -> DataStore", () => {
  it("puts machine-independent bindings in the plan; unlisted datasets are memory", () => {
    const plan = compile(pipeline([rate, summarise]), { catalog, root: project.root });
    const storage = Object.fromEntries(plan.datasets.map((d) => [d.id, d.storage]));
    expect(storage).toEqual({
      companies: { type: "csv", uri: "data/01_raw/companies.csv" },
      "eu.rated": { type: "parquet", uri: "data/02_intermediate/eu/rated.parquet" },
      "eu.summary": { type: "json", uri: "data/08_reporting/eu_summary.json" },
      scratch: { type: "memory" },
    });
    expect(serializePlan(plan)).not.toContain(project.root);
  });

  it("moves data between nodes through the plan's bindings", async () => {
    const plan = compile(pipeline([rate, summarise]), { catalog, root: project.root });
    const store = new DataStore({ root: project.root });
    const byId = new Map(plan.datasets.map((d) => [d.id, d]));
    const schemas = new Map<string, z.ZodType>(
      [companies, rated, summary, scratch].map((d) => [d.name, d.schema]),
    );
    for (const n of [rate, summarise]) {
      const planNode = plan.nodes.find((p) => p.id === n.id)!;
      const inputs: Record<string, unknown> = {};
      for (const [key, id] of Object.entries(planNode.inputs))
        inputs[key] = await store.load(byId.get(id)!, schemas.get(id)!, { node: n.id });
      const outputs = (await n.run(inputs)) as Record<string, unknown>;
      for (const [key, id] of Object.entries(planNode.outputs))
        await store.save(byId.get(id)!, outputs[key], schemas.get(id)!, { node: n.id });
    }
    expect(await store.load(byId.get("eu.summary")!, summary.schema)).toEqual({
      count: 2,
      mean: 4,
    });
  });

  it("a free input the catalog cannot provide is the compiler's MISSING_INPUT", async () => {
    const only = Catalog.fromEntries(
      { "eu.rated": { type: "json", path: "r.json" } },
      { root: project.root },
    );
    const e = await caught(() => compile(pipeline([rate]), { catalog: only, root: project.root }));
    expect(e.code).toBe("MISSING_INPUT");
  });
});
