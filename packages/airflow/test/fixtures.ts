import { compile, dataset, node, type Plan, param, pipeline } from "@pipewright/core";
import { z } from "zod";

const rows = z.array(z.object({ id: z.number(), value: z.number() }));
const catalog = {
  resolve: (id: string) => ({ type: "parquet", uri: `s3://bucket/data/${id}.parquet` }),
};

/**
 * A small pipeline with a namespace, a param, resources, retries and a timeout:
 * ingest -> (features.clean -> features.scale) -> train -> report.
 */
export function smallPlan(): Plan {
  const raw = dataset("raw", rows);
  const clean = dataset("clean", rows);
  const scaled = dataset("scaled", rows);
  const model = dataset("model", z.object({ weights: z.array(z.number()) }));
  const report = dataset("report", z.object({ score: z.number() }));
  const factor = param("scale.factor", z.number());

  const features = pipeline([
    node({
      name: "clean",
      inputs: { raw },
      outputs: { clean },
      run: ({ raw }) => ({ clean: raw }),
      tags: ["prep"],
    }),
    node({
      name: "scale",
      inputs: { clean, factor },
      outputs: { scaled },
      run: ({ clean, factor }) => ({
        scaled: clean.map((r) => ({ ...r, value: r.value * factor })),
      }),
      tags: ["prep"],
      resources: { cpu: "500m", memory: "1Gi" },
    }),
  ]).namespace("features", { inputs: [raw], outputs: [scaled], params: [factor] });

  const p = pipeline([
    node({
      name: "ingest",
      outputs: { raw },
      run: () => ({ raw: [{ id: 1, value: 2 }] }),
      retries: 3,
      timeout: 600,
    }),
    features,
    node({
      name: "train",
      inputs: { scaled },
      outputs: { model },
      run: ({ scaled }) => ({ model: { weights: scaled.map((r) => r.value) } }),
      resources: { cpu: 2, memory: "4Gi", gpu: 1 },
      tags: ["ml"],
    }),
    node({
      name: "report",
      inputs: { model, scaled },
      outputs: { report },
      run: ({ model }) => ({ report: { score: model.weights.length } }),
      tags: ["ml"],
    }),
  ]);
  return compile(p, {
    name: "small",
    catalog,
    params: { scale: { factor: 2 } },
    root: process.cwd(),
  });
}

/** Strings that break naive code generators: quotes, backslashes, newlines, Jinja, unicode. */
export const HOSTILE = [
  `q"uo'te`,
  "back\\slash\\",
  "new\nline\r\n",
  'triple"""quote',
  "{{ run_id }}{% if x %}{# c #}",
  "名前-ü😀",
  "x'); import os; os.system('echo pwned'); ('",
  "\u202etxt.exe\u2028",
  "ends.sh",
];

/**
 * `plan` with every node id, namespace, dataset id and the pipeline name replaced, the
 * same way everywhere in the plan. Core never produces such names (it validates them),
 * but a plan can come from a JSON file, and the adapter must stay safe either way.
 */
export function renamePlan(
  plan: Plan,
  nodeId: (id: string) => string,
  datasetId: (id: string) => string,
  namespace: (ns: string) => string,
  pipelineName: string,
): Plan {
  return {
    ...plan,
    pipeline: pipelineName,
    nodes: plan.nodes.map((n) => ({
      ...n,
      id: nodeId(n.id),
      name: nodeId(n.id).slice(n.namespace === null ? 0 : namespace(n.namespace).length + 1),
      namespace: n.namespace === null ? null : namespace(n.namespace),
      inputs: Object.fromEntries(Object.entries(n.inputs).map(([k, v]) => [k, datasetId(v)])),
      outputs: Object.fromEntries(Object.entries(n.outputs).map(([k, v]) => [k, datasetId(v)])),
    })),
    order: plan.order.map(nodeId),
    datasets: plan.datasets.map((d) => ({
      ...d,
      id: datasetId(d.id),
      producer: d.producer === null ? null : nodeId(d.producer),
      consumers: d.consumers.map(nodeId),
    })),
    params: plan.params.map((p) => ({ ...p, consumers: p.consumers.map(nodeId) })),
    inputs: plan.inputs.map(datasetId),
    outputs: plan.outputs.map(datasetId),
  };
}

/** smallPlan with hostile names everywhere: namespace, every node, every dataset, the pipeline. */
export function hostilePlan(): Plan {
  const plan = smallPlan();
  const ns = (n: string) => `${n}${HOSTILE[1]}${HOSTILE[5]}`;
  const nodeIndex = new Map(plan.order.map((id, i) => [id, i]));
  const nodeId = (id: string) => {
    const node = plan.nodes[nodeIndex.get(id)!]!;
    const i = nodeIndex.get(id)!;
    const hostile = `${node.name}${HOSTILE[i % HOSTILE.length]}${HOSTILE[(i + 5) % HOSTILE.length]}`;
    return node.namespace === null ? hostile : `${ns(node.namespace)}.${hostile}`;
  };
  return renamePlan(
    plan,
    nodeId,
    (d) => `${d}${HOSTILE[0]}${HOSTILE[3]}`,
    ns,
    `small${HOSTILE[2]}${HOSTILE[4]}`,
  );
}
