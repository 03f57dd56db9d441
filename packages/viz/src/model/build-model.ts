import type { Plan } from "@pipewright/core";
import { type NamespaceTree, namespaceTree, shortName } from "./namespaces.ts";
import { attachRun, type RunOverlay } from "./run.ts";
import { groupBox, vertexBox } from "./sizes.ts";
import type { VizData, VizGroup, VizVertex } from "./types.ts";

/**
 * Turns a plan (and optionally a run) into the page's data: vertices for nodes,
 * datasets and params, namespaces, edges, schemas and per-vertex details for the panel.
 */
export function buildModel(
  plan: Plan,
  options: { run?: RunOverlay | undefined; title: string },
): Omit<VizData, "layout"> {
  const tree = namespaceTree(plan);
  const withRun = options.run !== undefined;
  const vertices: VizVertex[] = [];
  const nodeIndex = new Map<string, number>();
  const datasetIndex = new Map<string, number>();
  const paramIndex = new Map<string, number>();
  const add = (v: Omit<VizVertex, "text" | "pretty" | "w" | "h">): number => {
    vertices.push({ ...v, ...vertexBox(v.kind, v.label, withRun) });
    return vertices.length - 1;
  };

  for (const n of plan.nodes)
    nodeIndex.set(
      n.id,
      add({
        kind: "node",
        id: n.id,
        label: n.name,
        group: tree.nodeGroup.get(n.id)!,
        tags: n.tags,
      }),
    );
  for (const d of plan.datasets) {
    const group = tree.datasetGroup.get(d.id)!;
    const kind = d.kind === "metrics" ? "metrics" : "dataset";
    datasetIndex.set(
      d.id,
      add({ kind, id: d.id, label: shortName(d.id, group, tree), group, tags: [] }),
    );
  }
  for (const p of plan.params) {
    const group = tree.paramGroup.get(p.id)!;
    paramIndex.set(
      p.id,
      add({ kind: "param", id: p.id, label: shortName(p.id, group, tree), group, tags: [] }),
    );
  }

  const edges: [number, number][] = [];
  const seen = new Set<string>();
  const edge = (a: number, b: number) => {
    if (seen.has(`${a},${b}`)) return;
    seen.add(`${a},${b}`);
    edges.push([a, b]);
  };
  const pairs = (r: Record<string, string>, index: Map<string, number>) =>
    Object.entries(r).map(([key, id]): [string, number] => [key, index.get(id)!]);
  for (const n of plan.nodes) {
    const i = nodeIndex.get(n.id)!;
    const inputs = pairs(n.inputs, datasetIndex);
    const params = pairs(n.params, paramIndex);
    const outputs = pairs(n.outputs, datasetIndex);
    for (const [, d] of inputs) edge(d, i);
    for (const [, p] of params) edge(p, i);
    for (const [, d] of outputs) edge(i, d);
    vertices[i]!.node = {
      name: n.name,
      namespace: n.namespace,
      inputs,
      params,
      outputs,
      location: n.location,
      cacheKey: n.cacheKey,
      codeHash: n.codeHash,
      codeVersion: plan.code[n.codeHash]?.version ?? null,
      resources: n.resources,
      retries: n.retries,
      timeoutSeconds: n.timeoutSeconds,
      cache: n.cache,
      ...(n.map && { map: { over: n.map.over, source: n.map.source } }),
    };
  }
  for (const d of plan.datasets) {
    const { type, uri, credentials } = d.storage;
    vertices[datasetIndex.get(d.id)!]!.dataset = {
      ...(d.description !== undefined && { description: d.description }),
      schema: d.schemaHash,
      storage: {
        type,
        ...(uri !== undefined && { uri }),
        ...(credentials !== undefined && { credentials }),
      },
      ...(d.partitioned && { partitioned: true }),
      producer: d.producer === null ? -1 : nodeIndex.get(d.producer)!,
      consumers: d.consumers.map((c) => nodeIndex.get(c)!),
    };
  }
  for (const p of plan.params) {
    vertices[paramIndex.get(p.id)!]!.param = {
      value: p.value,
      schema: p.schemaHash,
      consumers: p.consumers.map((c) => nodeIndex.get(c)!),
    };
  }

  const run = options.run ? attachRun(options.run, plan, vertices, nodeIndex) : null;
  const tags = [...new Set(plan.nodes.flatMap((n) => n.tags))].sort();
  return {
    version: 1,
    title: options.title,
    pipeline: plan.pipeline,
    vertices,
    groups: groups(tree, vertices),
    edges,
    schemas: plan.schemas,
    tags,
    run,
  };
}

function groups(tree: NamespaceTree, vertices: VizVertex[]): VizGroup[] {
  const nodes = new Array<number>(tree.list.length).fill(0);
  const datasets = new Array<number>(tree.list.length).fill(0);
  for (const v of vertices) {
    if (v.kind === "param") continue;
    for (let g = v.group; g !== -1; g = tree.list[g]!.parent) {
      if (v.kind === "node") nodes[g]!++;
      else datasets[g]!++;
    }
  }
  return tree.list.map((ns, i) => {
    const parentId = ns.parent === -1 ? "" : `${tree.list[ns.parent]!.id}.`;
    const label = ns.id.startsWith(parentId) ? ns.id.slice(parentId.length) : ns.id;
    const counts = `${plural(nodes[i]!, "node")} · ${plural(datasets[i]!, "dataset")}`;
    return {
      id: ns.id,
      label,
      parent: ns.parent,
      depth: ns.depth,
      nodes: nodes[i]!,
      datasets: datasets[i]!,
      ...groupBox(label, counts),
    };
  });
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
