import { compile, dataset, node, type Plan, pipeline } from "@pipewright/core";
import { z } from "zod";
import { smallPlan } from "./small-plan.ts";

export { smallPlan };

const catalog = {
  resolve: (id: string) => ({ type: "parquet", uri: `s3://bucket/data/${id}.parquet` }),
};

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

/**
 * A generated plan of `n` nodes in namespaces of `perNamespace`: node i reads the
 * outputs of nodes i-1 and i/2 (a long chain with fan-in), so tasks have real edges.
 */
export function largePlan(n: number, perNamespace = 100): Plan {
  const value = z.number();
  const data = Array.from({ length: n }, (_, i) => dataset(`d${i}`, value));
  const step = (a: number, b: number) => a + b;
  const nodes = data.map((out, i) => {
    const inputs = i === 0 ? {} : { a: data[i - 1]!, b: data[Math.floor(i / 2)]! };
    return node({
      name: `step_${i}`,
      inputs,
      outputs: { out },
      run: (x: Record<string, number>) => ({ out: step(x.a ?? 0, x.b ?? 0) }),
      ...(i % 10 === 0 && { resources: { cpu: "250m", memory: "256Mi" }, retries: 1 }),
    });
  });
  const groups = [];
  for (let start = 0; start < n; start += perNamespace) {
    const members = nodes.slice(start, start + perNamespace);
    const own = new Set(members.flatMap((m) => Object.values(m.outputs).map((d) => d.name)));
    const outside = [
      ...new Set(members.flatMap((m) => Object.values(m.inputs).map((d) => d.name))),
    ].filter((d) => !own.has(d));
    groups.push(
      pipeline(members).namespace(`part${start / perNamespace}`, {
        inputs: outside,
        outputs: [...own],
      }),
    );
  }
  return compile(pipeline(groups), { name: "large", catalog, root: process.cwd() });
}
