import type { Plan, PlanDataset, PlanNode, PlanParam } from "@pipewright/core";

/** Lookups over a plan, built once per plan object (see indexPlan). */
export interface PlanIndex {
  plan: Plan;
  nodes: Map<string, PlanNode>;
  datasets: Map<string, PlanDataset>;
  params: Map<string, PlanParam>;
  /** Position of each node id in the plan's topological order. */
  position: Map<string, number>;
  /** Position of each dataset id in `plan.datasets`. */
  datasetPosition: Map<string, number>;
  /** The plan's nodes by position in its topological order. */
  ordered: PlanNode[];
  /** For each position, the positions of the nodes whose outputs it reads (each once, itself never). */
  upstream: number[][];
  /** For each position, its datasets resolved (filled on first use, see slotsAt). */
  slots: (NodeSlots | undefined)[];
}

/**
 * A node's inputs and outputs as plan datasets, in declaration order: what a run needs of
 * them on every node, without a lookup by id in Maps of every dataset (a cache miss apiece
 * on a 100k-node plan).
 */
export interface NodeSlots {
  inputKeys: string[];
  inputs: PlanDataset[];
  /** Each input's position in `plan.datasets`. */
  inputAt: number[];
  outputKeys: string[];
  outputs: PlanDataset[];
  /** Each output's position in `plan.datasets`. */
  outputAt: number[];
  /** Some input is a partitioned collection (read whole). */
  collection: boolean;
  /** For each output, whether the runner validates it itself (see Execution.validatesHere). */
  validatesHere: boolean[];
}

// A run looks nodes and datasets up by id many times; on a 100k-node plan every lookup in
// a Map that size is a cache miss, and building the maps costs ~5 µs a node (vs 0.3 at
// 1k). Runs of one plan object (a kept process, `run` then `status`) share one index.
const built = new WeakMap<Plan, PlanIndex>();

/**
 * The index of a plan, reused while the plan object has the same nodes and datasets
 * (plans are not edited after compile; the lengths catch one that was added to).
 */
export function indexPlan(plan: Plan): PlanIndex {
  const known = built.get(plan);
  if (
    known &&
    known.ordered.length === plan.order.length &&
    known.nodes.size === plan.nodes.length &&
    known.datasets.size === plan.datasets.length
  )
    return known;
  const index = buildIndex(plan);
  built.set(plan, index);
  return index;
}

function buildIndex(plan: Plan): PlanIndex {
  const nodes = new Map<string, PlanNode>();
  for (const n of plan.nodes) nodes.set(n.id, n);
  const datasets = new Map<string, PlanDataset>();
  const datasetPosition = new Map<string, number>();
  for (let i = 0; i < plan.datasets.length; i++) {
    const d = plan.datasets[i]!;
    datasets.set(d.id, d);
    datasetPosition.set(d.id, i);
  }
  const params = new Map<string, PlanParam>();
  for (const p of plan.params) params.set(p.id, p);
  const position = new Map<string, number>();
  const ordered: PlanNode[] = [];
  for (let i = 0; i < plan.order.length; i++) {
    position.set(plan.order[i]!, i);
    ordered.push(nodes.get(plan.order[i]!)!);
  }
  const upstream = ordered.map((node, i) => {
    const up: number[] = [];
    for (const key in node.inputs) {
      const producer = datasets.get(node.inputs[key]!)?.producer;
      const p = producer === null || producer === undefined ? undefined : position.get(producer);
      if (p !== undefined && p !== i && !up.includes(p)) up.push(p);
    }
    return up;
  });
  return {
    plan,
    nodes,
    datasets,
    params,
    position,
    datasetPosition,
    ordered,
    upstream,
    slots: [],
  };
}

/** The slots of the node at a plan position, built once per plan index. */
export function slotsAt(index: PlanIndex, at: number): NodeSlots {
  let s = index.slots[at];
  if (s === undefined) {
    s = nodeSlots(index, index.ordered[at]!);
    index.slots[at] = s;
  }
  return s;
}

/** The slots of any node of the plan (or one derived from it, as a map node's whole). */
export function nodeSlots(index: PlanIndex, node: PlanNode): NodeSlots {
  const s: NodeSlots = {
    inputKeys: [],
    inputs: [],
    inputAt: [],
    outputKeys: [],
    outputs: [],
    outputAt: [],
    collection: false,
    validatesHere: [],
  };
  for (const key in node.inputs) {
    const ds = index.datasets.get(node.inputs[key]!)!;
    s.inputKeys.push(key);
    s.inputs.push(ds);
    s.inputAt.push(index.datasetPosition.get(ds.id)!);
    if (ds.partitioned) s.collection = true;
  }
  for (const key in node.outputs) {
    const ds = index.datasets.get(node.outputs[key]!)!;
    s.outputKeys.push(key);
    s.outputs.push(ds);
    s.outputAt.push(index.datasetPosition.get(ds.id)!);
    s.validatesHere.push(isMemory(ds) && !ds.partitioned);
  }
  return s;
}

/**
 * A map from the plan's ids (of its datasets, or of its nodes) to values, kept in an
 * array by plan position: the hot path reads and writes by position (getAt, setAt),
 * everyone else by id as with a Map. A run's hashes and records were Maps of 100k
 * entries on a 100k-node plan, where every access was a cache miss and every growth
 * rehashed the lot. An id not in the plan is kept aside in an ordinary Map.
 */
export class IdMap<V> {
  private readonly values: (V | undefined)[];
  private readonly present: Uint8Array;
  private extra: Map<string, V> | undefined;

  constructor(private readonly positions: ReadonlyMap<string, number>) {
    // Filled by push: `new Array(n)` of a large n is a dictionary, not an array, in V8.
    this.values = [];
    for (let i = 0; i < positions.size; i++) this.values.push(undefined);
    this.present = new Uint8Array(positions.size);
  }

  get(id: string): V | undefined {
    const at = this.positions.get(id);
    return at === undefined ? this.extra?.get(id) : this.values[at];
  }

  has(id: string): boolean {
    const at = this.positions.get(id);
    return at === undefined ? this.extra?.has(id) === true : this.present[at] === 1;
  }

  set(id: string, value: V): this {
    const at = this.positions.get(id);
    if (at !== undefined) return this.setAt(at, value);
    this.extra ??= new Map();
    this.extra.set(id, value);
    return this;
  }

  delete(id: string): boolean {
    const at = this.positions.get(id);
    if (at === undefined) return this.extra?.delete(id) === true;
    const had = this.present[at] === 1;
    this.values[at] = undefined;
    this.present[at] = 0;
    return had;
  }

  getAt(at: number): V | undefined {
    return this.values[at];
  }

  hasAt(at: number): boolean {
    return this.present[at] === 1;
  }

  setAt(at: number, value: V): this {
    this.values[at] = value;
    this.present[at] = 1;
    return this;
  }
}

export const isMemory = (ds: PlanDataset): boolean => ds.storage.type === "memory";
