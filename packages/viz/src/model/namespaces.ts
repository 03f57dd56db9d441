import type { Plan } from "@pipewright/core";

/** One namespace of the plan, drawn as a group (a Mermaid/DOT subgraph, a box on the page). */
export interface Namespace {
  /** Full dotted id, e.g. "data_science.active". */
  id: string;
  /** Index of the enclosing namespace in `NamespaceTree.list`, or -1 at the top. */
  parent: number;
  depth: number;
}

/** The namespaces of a plan as a tree, and which namespace each node and dataset sits in. */
export interface NamespaceTree {
  /** Parents come before their children; siblings are sorted by id. */
  list: Namespace[];
  /** Node id -> namespace index (-1: none). */
  nodeGroup: Map<string, number>;
  /** Dataset id -> namespace index (-1: none). */
  datasetGroup: Map<string, number>;
  /** Param id -> namespace index (-1: none). */
  paramGroup: Map<string, number>;
}

/**
 * Builds the namespace tree. Nodes sit in their declared namespace. Datasets and params
 * have no namespace of their own: namespacing prefixes them with `ns.` (Kedro's rule), so
 * one sits in the longest namespace that prefixes its id. Kept or renamed names stay
 * outside, which is what makes them the namespace's interface.
 *
 * @example
 * const tree = namespaceTree(plan); tree.list.map((n) => n.id) // ["data_processing", ...]
 */
export function namespaceTree(plan: Plan): NamespaceTree {
  const ids = new Set<string>();
  for (const n of plan.nodes) {
    if (n.namespace === null) continue;
    // Every prefix of a nested namespace is a group too: "a.b" lives inside "a".
    const parts = n.namespace.split(".");
    for (let i = 1; i <= parts.length; i++) ids.add(parts.slice(0, i).join("."));
  }
  const sorted = [...ids].sort(byDepthThenId);
  const index = new Map<string, number>();
  const list: Namespace[] = [];
  for (const id of sorted) {
    const parent = id.includes(".") ? (index.get(id.slice(0, id.lastIndexOf("."))) ?? -1) : -1;
    index.set(id, list.length);
    list.push({ id, parent, depth: parent === -1 ? 0 : list[parent]!.depth + 1 });
  }
  const ordered = treeOrder(list);
  const remap = new Map(ordered.map((old, i) => [old, i]));
  const finalList = ordered.map((old) => {
    const ns = list[old]!;
    return { ...ns, parent: ns.parent === -1 ? -1 : remap.get(ns.parent)! };
  });
  const finalIndex = new Map(finalList.map((ns, i) => [ns.id, i]));

  const byPrefix = (id: string): number => {
    // Longest namespace that prefixes the id; walk the dots from the right.
    for (let dot = id.lastIndexOf("."); dot > 0; dot = id.lastIndexOf(".", dot - 1)) {
      const g = finalIndex.get(id.slice(0, dot));
      if (g !== undefined) return g;
    }
    return -1;
  };
  return {
    list: finalList,
    nodeGroup: new Map(
      plan.nodes.map((n) => [n.id, n.namespace === null ? -1 : finalIndex.get(n.namespace)!]),
    ),
    datasetGroup: new Map(plan.datasets.map((d) => [d.id, byPrefix(d.id)])),
    paramGroup: new Map(plan.params.map((p) => [p.id, byPrefix(p.id)])),
  };
}

/** The part of `id` after its namespace's prefix: "data_science.active.model" -> "model". */
export function shortName(id: string, group: number, tree: NamespaceTree): string {
  if (group === -1) return id;
  const prefix = `${tree.list[group]!.id}.`;
  return id.startsWith(prefix) ? id.slice(prefix.length) : id;
}

function byDepthThenId(a: string, b: string): number {
  const da = a.split(".").length;
  const db = b.split(".").length;
  return da !== db ? da - db : a < b ? -1 : a > b ? 1 : 0;
}

/** Depth-first order (parent, then its children sorted by id), so output nests naturally. */
function treeOrder(list: Namespace[]): number[] {
  const children = new Map<number, number[]>();
  for (const [i, ns] of list.entries()) {
    const siblings = children.get(ns.parent);
    if (siblings) siblings.push(i);
    else children.set(ns.parent, [i]);
  }
  const out: number[] = [];
  const visit = (parent: number) => {
    const kids = (children.get(parent) ?? []).sort((a, b) => (list[a]!.id < list[b]!.id ? -1 : 1));
    for (const k of kids) {
      out.push(k);
      visit(k);
    }
  };
  visit(-1);
  return out;
}
