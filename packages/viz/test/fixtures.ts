import {
  compile,
  dataset,
  metrics,
  node,
  type Plan,
  param,
  partitioned,
  pipeline,
} from "@pipewright/core";
import { z } from "zod";

const Company = z.object({
  id: z.string().describe("Company id"),
  company_rating: z.number().nullable().describe("Rating between 0 and 1"),
  iata_approved: z.boolean(),
});
const Shuttle = z.object({ id: z.string(), engines: z.number().int(), price: z.number() });
const Row = z.object({
  id: z.string(),
  engines: z.number().int(),
  company_rating: z.number(),
  price: z.number(),
});
const Matrix = z.array(z.array(z.number()));

const companies = dataset("companies", z.array(Company), {
  description: "Raw companies from the CRM export",
});
const shuttles = dataset("shuttles", z.array(Shuttle));
const reviews = dataset(
  "reviews",
  z.array(z.object({ shuttle_id: z.string(), score: z.number() })),
);
const preCompanies = dataset("preprocessed_companies", z.array(Company));
const preShuttles = dataset("preprocessed_shuttles", z.array(Shuttle));
const table = dataset("model_input_table", z.array(Row), {
  description: "One row per shuttle, ready for modelling",
});

const xTrain = dataset("X_train", Matrix);
const xTest = dataset("X_test", Matrix);
const yTrain = dataset("y_train", z.array(z.number()));
const yTest = dataset("y_test", z.array(z.number()));
const regressor = dataset(
  "regressor",
  z.object({ coef: z.array(z.number()), intercept: z.number() }),
);
const scores = metrics("scores", z.object({ r2: z.number(), mae: z.number() }));
const testSize = param("model_options.test_size", z.number().gt(0).lt(1));
const features = param("model_options.features", z.array(z.string()).min(1));

const dataProcessing = pipeline(
  [
    node({
      name: "preprocess_companies",
      inputs: { companies },
      outputs: { out: preCompanies },
      run: ({ companies }) => ({ out: companies }),
      resources: { cpu: "500m", memory: "1Gi" },
    }),
    node({
      name: "preprocess_shuttles",
      inputs: { shuttles },
      outputs: { out: preShuttles },
      run: ({ shuttles }) => ({ out: shuttles }),
    }),
    node({
      name: "create_model_input_table",
      inputs: { s: preShuttles, c: preCompanies, reviews },
      outputs: { table },
      run: () => ({ table: [] }),
    }),
  ],
  { tags: ["preprocessing"] },
).namespace("data_processing", {
  inputs: ["companies", "shuttles", "reviews"],
  outputs: ["model_input_table"],
});

const modelling = pipeline([
  node({
    name: "split_data",
    inputs: { table, testSize, features },
    outputs: { xTrain, xTest, yTrain, yTest },
    run: () => ({ xTrain: [], xTest: [], yTrain: [], yTest: [] }),
    tags: ["training"],
  }),
  node({
    name: "train_model",
    inputs: { x: xTrain, y: yTrain },
    outputs: { model: regressor },
    run: () => ({ model: { coef: [], intercept: 0 } }),
    tags: ["training"],
    retries: 2,
  }),
  node({
    name: "evaluate_model",
    inputs: { model: regressor, x: xTest, y: yTest },
    outputs: { scores },
    run: () => ({ scores: { r2: 1, mae: 0 } }),
    tags: ["evaluation"],
  }),
]);

const dataScience = pipeline([
  modelling.namespace("active", { inputs: ["model_input_table"] }),
  modelling.namespace("candidate", { inputs: ["model_input_table"] }),
]).namespace("data_science", { inputs: ["model_input_table"] });

const options = (testSize: number, features: string[]) => ({
  model_options: { test_size: testSize, features },
});

/** A spaceflights-like plan: a namespace, a nested pair of namespaces, params, tags, metrics. */
export function spaceflightsPlan(): Plan {
  return compile(pipeline([dataProcessing, dataScience]), {
    name: "spaceflights",
    params: {
      data_science: {
        active: options(0.2, ["engines", "company_rating"]),
        candidate: options(0.3, ["engines"]),
      },
    },
  });
}

/**
 * A plan of `count` nodes in chains of `chain` nodes (joins every fourth node, a second
 * reader of each chain's input); every third chain starts again from the source, so the
 * graph is wide as well as deep. With `namespaces`, each chain is a namespace.
 */
export function largePlan(
  count: number,
  options: { chain?: number; namespaces?: boolean } = {},
): Plan {
  const Table = z.array(z.object({ id: z.string(), value: z.number() }));
  const source = dataset("source", Table);
  const chain = options.chain ?? 20;
  const parts = [];
  let feed = source;
  for (let g = 0, made = 0; made < count; g++) {
    const size = Math.min(chain, count - made);
    const outs = Array.from({ length: size }, (_, i) => dataset(`c${g}_d${i}`, Table));
    const nodes = outs.map((out, i) => {
      const inputs: Record<string, typeof source> = { main: i === 0 ? feed : outs[i - 1]! };
      if (i >= 3 && i % 4 === 0) inputs.side = outs[i - 3]!;
      if (i === Math.floor(size / 2)) inputs.feed = feed;
      const name = options.namespaces ? `step_${i}` : `c${g}_step_${i}`;
      return node({
        name,
        inputs,
        outputs: { out },
        run: (v) => ({ out: v.main ?? [] }),
        tags: [`t${i % 5}`],
      });
    });
    const last = outs[size - 1]!;
    const p = pipeline(nodes);
    const ns = `chain_${String(g).padStart(3, "0")}`;
    parts.push(
      options.namespaces ? p.namespace(ns, { inputs: [feed.name], outputs: [last.name] }) : p,
    );
    made += size;
    feed = g % 3 === 2 ? source : last;
  }
  return compile(pipeline(parts), { name: "large" });
}

const HOSTILE = {
  node: "</script><script>window.__pwned=1</script>\"'&",
  dataset: '<img src=x onerror="window.__pwned=2"> & {data} `tick` #35; \\N',
  namespace: 'ns "quoted" <b>bold</b>',
} as const;

export { HOSTILE };

/**
 * A plan whose names no compiler would accept but a hand-edited plan file can hold:
 * markup, quotes, backslashes, Mermaid entity codes and a script end tag. Renderers must
 * print every one of them literally.
 */
export function hostilePlan(): Plan {
  const raw = dataset("raw", z.array(z.number()).describe("</script><!-- raw"));
  const clean = dataset("clean", z.array(z.number()));
  const threshold = param("threshold", z.string());
  const plan = compile(
    pipeline([
      node({
        name: "clean",
        inputs: { raw, threshold },
        outputs: { clean },
        run: ({ raw }) => ({ clean: raw }),
        tags: ["</script>"],
      }),
    ]).namespace("ns", { inputs: ["raw"] }),
    {
      name: "hostile",
      params: { ns: { threshold: "</script><script>window.__pwned=3</script>" } },
    },
  );
  return renameIds(plan, {
    "ns.clean": `${HOSTILE.namespace}.${HOSTILE.node}`,
    "ns.clean#dataset": `${HOSTILE.namespace}.${HOSTILE.dataset}`,
    ns: HOSTILE.namespace,
  });
}

/**
 * Map nodes in a namespace: one over a partitioned dataset, one over a list param, and a
 * fan-in reading a partitioned dataset whole (what Mermaid draws as subroutine boxes and
 * partitioned cylinders).
 */
export function mapPlan(): Plan {
  const raw = partitioned("raw", z.array(z.number()));
  const clean = partitioned("clean", z.array(z.number()));
  const perRegion = partitioned("per_region", z.number());
  const report = dataset("report", z.number());
  const regions = param("regions", z.array(z.string()));
  return compile(
    pipeline([
      node.map({
        name: "clean",
        over: { day: raw },
        outputs: { clean },
        run: ({ day }) => ({ clean: day }),
      }),
      node.map({
        name: "by_region",
        over: { region: regions },
        inputs: { clean },
        outputs: { perRegion },
        run: () => ({ perRegion: 1 }),
      }),
      node({
        name: "report",
        inputs: { clean, perRegion },
        outputs: { report },
        run: ({ clean }) => ({ report: clean.size }),
      }),
    ]).namespace("ns", { inputs: ["raw"] }),
    { name: "map", params: { ns: { regions: ["eu", "us"] } } },
  );
}

/** mapPlan with hostile names on the map node, its partitioned output and the namespace. */
export function hostileMapPlan(name: string = HOSTILE.node, data: string = HOSTILE.dataset): Plan {
  const ns = HOSTILE.namespace;
  return renameIds(mapPlan(), {
    "ns.clean": `${ns}.${name}`,
    "ns.clean#dataset": `${ns}.${data}`,
    "ns.by_region": `${ns}.by_region`,
    "ns.report": `${ns}.report`,
    "ns.per_region#dataset": `${ns}.per_region`,
    "ns.report#dataset": `${ns}.report`,
    ns,
  });
}

/** Renames a node, its namespace and its output dataset throughout a plan (test helper). */
function renameIds(plan: Plan, map: Record<string, string>): Plan {
  const ds = (id: string) => map[`${id}#dataset`] ?? id;
  const nd = (id: string) => map[id] ?? id;
  const rec = (r: Record<string, string>, f: (s: string) => string) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, f(v)]));
  return {
    ...plan,
    nodes: plan.nodes.map((n) => ({
      ...n,
      id: nd(n.id),
      name: nd(n.id).slice((n.namespace === null ? "" : `${nd(n.namespace)}.`).length),
      namespace: n.namespace === null ? null : nd(n.namespace),
      inputs: rec(n.inputs, ds),
      outputs: rec(n.outputs, ds),
    })),
    order: plan.order.map(nd),
    datasets: plan.datasets.map((d) => ({
      ...d,
      id: ds(d.id),
      producer: d.producer === null ? null : nd(d.producer),
      consumers: d.consumers.map(nd),
    })),
    params: plan.params.map((p) => ({ ...p, consumers: p.consumers.map(nd) })),
    inputs: plan.inputs.map(ds),
    outputs: plan.outputs.map(ds),
  };
}
