import type { Plan } from "@pipewright/core";
import { type NamespaceTree, namespaceTree, shortName } from "../model/namespaces.ts";

/** A box in a text diagram: a pipeline node or a dataset, with a short, generated id. */
export interface OutlineVertex {
  /** Safe id for the diagram language: n0, n1 ... for nodes, d0, d1 ... for datasets. */
  key: string;
  kind: "node" | "dataset" | "metrics";
  /** A map node, or a partitioned dataset: drawn as a stack. */
  stacked?: boolean;
  /** The plan id (qualified name). */
  id: string;
  /** The name inside its namespace, shown as the label. */
  label: string;
}

/** A namespace in a text diagram, holding vertices and nested namespaces in output order. */
export interface OutlineGroup {
  key: string;
  id: string;
  vertices: OutlineVertex[];
  groups: OutlineGroup[];
}

/** What Mermaid and DOT both print: nested groups, vertices, and data-flow edges. */
export interface Outline {
  top: OutlineGroup;
  edges: [string, string][];
}

/**
 * Lays a plan out as nested groups for the text formats. Generated keys keep every
 * name, however strange, out of the syntax: names only ever appear as escaped labels.
 */
export function outline(plan: Plan, tree: NamespaceTree = namespaceTree(plan)): Outline {
  const groups: OutlineGroup[] = tree.list.map((ns, i) => ({
    key: `g${i}`,
    id: ns.id,
    vertices: [],
    groups: [],
  }));
  const top: OutlineGroup = { key: "top", id: plan.pipeline, vertices: [], groups: [] };
  for (const [i, ns] of tree.list.entries())
    (ns.parent === -1 ? top : groups[ns.parent]!).groups.push(groups[i]!);
  const place = (g: number, v: OutlineVertex) => (g === -1 ? top : groups[g]!).vertices.push(v);

  const nodeKey = new Map<string, string>();
  for (const [i, n] of plan.nodes.entries()) {
    const key = `n${i}`;
    nodeKey.set(n.id, key);
    place(tree.nodeGroup.get(n.id)!, {
      key,
      kind: "node",
      id: n.id,
      label: n.name,
      ...(n.map && { stacked: true }),
    });
  }
  const datasetKey = new Map<string, string>();
  for (const [i, d] of plan.datasets.entries()) {
    const key = `d${i}`;
    const g = tree.datasetGroup.get(d.id)!;
    datasetKey.set(d.id, key);
    place(g, {
      key,
      kind: d.kind === "metrics" ? "metrics" : "dataset",
      id: d.id,
      label: shortName(d.id, g, tree),
      ...(d.partitioned && { stacked: true }),
    });
  }
  const edges: [string, string][] = [];
  for (const n of plan.nodes) {
    const key = nodeKey.get(n.id)!;
    for (const ds of uniqueValues(n.inputs)) edges.push([datasetKey.get(ds)!, key]);
    for (const ds of uniqueValues(n.outputs)) edges.push([key, datasetKey.get(ds)!]);
  }
  return { top, edges };
}

/** Record values, each once, sorted: a node reading one dataset under two keys draws one edge. */
function uniqueValues(record: Record<string, string>): string[] {
  return [...new Set(Object.values(record))].sort();
}
