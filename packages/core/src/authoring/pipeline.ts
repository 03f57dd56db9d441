import { ErrorCode } from "../errors/codes.ts";
import { CompileError } from "../errors/errors.ts";
import { topoSort } from "../util/heap.ts";
import type { Dataset as DatasetT } from "./dataset.ts";
import { type FilterOptions, selectNodes } from "./filters.ts";
import { cyclePath } from "./graph.ts";
import { applyNamespace, type NamespaceOptions } from "./namespace.ts";
import type { Node } from "./node.ts";
import type { Param } from "./param.ts";

/** A dataset or param given by handle or by name. */
export type DatasetRef = DatasetT<any> | Param<any> | string;

/** Indexes over a pipeline's nodes, built once per pipeline on first use. */
export interface PipelineIndex {
  byId: Map<string, Node[]>;
  producers: Map<string, Node[]>;
  consumers: Map<string, Node[]>;
  datasets: Map<string, DatasetT<unknown>>;
  params: Map<string, Param<unknown>>;
  tags: Set<string>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * An immutable set of nodes. Operations return new pipelines and run in time linear in
 * the size of the pipeline. See filters.ts and namespace.ts for the operations.
 */
export class Pipeline {
  readonly type = "pipeline" as const;
  /** The nodes in the order they were added, each once. */
  readonly items: readonly Node[];
  private cachedIndex: PipelineIndex | undefined;
  private cachedSorted: readonly Node[] | undefined;
  private cachedSort: { order: string[]; blocked: string[] } | undefined;

  constructor(items: readonly Node[]) {
    // The same node object added twice (e.g. via plus()) counts once, as in Kedro.
    this.items = [...new Set(items)];
  }

  /** @internal lookups shared by the operations and the compiler. */
  get index(): PipelineIndex {
    if (this.cachedIndex) return this.cachedIndex;
    const index: PipelineIndex = {
      byId: new Map(),
      producers: new Map(),
      consumers: new Map(),
      datasets: new Map(),
      params: new Map(),
      tags: new Set(),
    };
    for (const n of this.items) {
      push(index.byId, n.id, n);
      for (const t of n.tags) index.tags.add(t);
      for (const [, input] of n.datasetInputs()) {
        push(index.consumers, input.name, n);
        if (!index.datasets.has(input.name)) index.datasets.set(input.name, input);
      }
      for (const [, param] of n.paramInputs())
        if (!index.params.has(param.name)) index.params.set(param.name, param);
      for (const output of Object.values(n.outputs)) {
        push(index.producers, output.name, n);
        if (!index.datasets.has(output.name)) index.datasets.set(output.name, output);
      }
    }
    this.cachedIndex = index;
    return index;
  }

  /** Nodes in topological order, ties broken by qualified name. Throws CYCLE on a cycle. */
  get nodes(): readonly Node[] {
    if (this.cachedSorted) return this.cachedSorted;
    const { order, blocked } = this.sortIds();
    if (blocked.length > 0) throw new CompileError([cycleIssue(this, blocked)]);
    const byId = this.index.byId;
    this.cachedSorted = order.map((id) => byId.get(id)![0]!);
    return this.cachedSorted;
  }

  /** @internal topological sort of node ids; `blocked` lists ids on or behind a cycle. */
  sortIds(): { order: string[]; blocked: string[] } {
    if (this.cachedSort) return this.cachedSort;
    const { byId, producers } = this.index;
    // Duplicate predecessors are fine: topoSort counts and releases each occurrence.
    this.cachedSort = topoSort([...byId.keys()], (id) => {
      const preds: string[] = [];
      for (const n of byId.get(id)!) {
        for (const [, input] of n.datasetInputs()) {
          for (const p of producers.get(input.name) ?? []) if (p.id !== id) preds.push(p.id);
        }
      }
      return preds;
    });
    return this.cachedSort;
  }

  /** Free inputs: datasets no node produces, and every param, sorted by name. */
  inputs(): (DatasetT<unknown> | Param<unknown>)[] {
    const { datasets, params, producers } = this.index;
    const free: (DatasetT<unknown> | Param<unknown>)[] = [];
    for (const [name, ds] of datasets)
      if (!producers.has(name) && this.index.consumers.has(name)) free.push(ds);
    free.push(...params.values());
    return free.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Free outputs: datasets produced and consumed by no node, sorted by name. */
  outputs(): DatasetT<unknown>[] {
    const { datasets, consumers, producers } = this.index;
    return [...datasets.values()]
      .filter((d) => producers.has(d.name) && !consumers.has(d.name))
      .sort(byName);
  }

  /** Every dataset read or written, sorted by name. */
  datasets(): DatasetT<unknown>[] {
    return [...this.index.datasets.values()].sort(byName);
  }

  /**
   * Nodes matching every given criterion: any of `tags`, and/or one of `nodes`.
   *
   * @example
   * p.only({ tags: ["training"] })
   */
  only(criteria: { tags?: readonly string[]; nodes?: readonly string[] }): Pipeline {
    return this.filter(criteria);
  }

  /** These nodes and everything downstream of them (Kedro's `from_nodes`). */
  from(nodeNames: readonly string[]): Pipeline {
    return this.filter({ fromNodes: nodeNames });
  }

  /** These nodes and everything upstream of them (Kedro's `to_nodes`). */
  to(nodeNames: readonly string[]): Pipeline {
    return this.filter({ toNodes: nodeNames });
  }

  /** The nodes that read these datasets, and everything downstream (Kedro's `from_inputs`). */
  fromInputs(datasets: readonly DatasetRef[]): Pipeline {
    return this.filter({ fromInputs: datasets });
  }

  /** The nodes needed to produce these datasets (Kedro's `to_outputs`). */
  toOutputs(datasets: readonly DatasetRef[]): Pipeline {
    return this.filter({ toOutputs: datasets });
  }

  /**
   * Applies each given filter to the whole pipeline and keeps the nodes every one selects
   * (Kedro's `filter`, and what `pipewright run` flags mean together).
   */
  filter(options: FilterOptions): Pipeline {
    return new Pipeline(selectNodes(this.items, this.index, options));
  }

  /**
   * Reuse under a namespace: every dataset and param not listed gets the `ns.` prefix,
   * listed ones keep or change their name, node names become `ns.name`.
   *
   * @example
   * dataScience.namespace("candidate", { inputs: ["model_input_table"] })
   */
  namespace(ns: string, options: NamespaceOptions = {}): Pipeline {
    return new Pipeline(applyNamespace(this.items, this.index, ns, options));
  }

  /** Union: the nodes of both pipelines. */
  plus(...others: Pipeline[]): Pipeline {
    return new Pipeline([...this.items, ...others.flatMap((o) => o.items)]);
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A CYCLE issue naming the nodes on one cycle among `blocked`, in order. */
export function cycleIssue(p: Pipeline, blocked: readonly string[]) {
  const path = cyclePath(p, blocked);
  return {
    code: ErrorCode.CYCLE,
    message: `pipeline has a cycle: ${path.join(" -> ")}. A node cannot depend on its own output; break the loop by writing a new dataset.`,
    path: ["nodes", ...path],
    nodes: path,
  };
}

/** Items accepted by pipeline(): nodes and pipelines, nested freely. */
export type PipelineItem = Node | Pipeline | readonly PipelineItem[];

/**
 * Composes nodes and pipelines into a pipeline.
 *
 * @example
 * const dataProcessing = pipeline([preprocessCompanies, preprocessShuttles, createModelInputTable]);
 * const all = pipeline([dataProcessing, dataScience.namespace("active")]);
 */
export function pipeline(
  items: readonly PipelineItem[],
  options: { tags?: readonly string[]; namespace?: string } & NamespaceOptions = {},
): Pipeline {
  const nodes: Node[] = [];
  const visit = (item: PipelineItem): void => {
    // Checked by tag, not instanceof: a project may load a second copy of this package
    // (a shared pipeline package with its own dependency), whose classes differ.
    if ((item as Node).type === "node") nodes.push(item as Node);
    else if ((item as Pipeline).type === "pipeline") nodes.push(...(item as Pipeline).items);
    else if (Array.isArray(item)) for (const i of item) visit(i);
    else {
      throw new CompileError([
        {
          code: ErrorCode.INVALID_OPTION,
          message: `pipeline() takes nodes and pipelines, got ${typeof item}. Create nodes with node() and pipelines with pipeline().`,
          path: ["items"],
        },
      ]);
    }
  };
  for (const item of items) visit(item);
  const extra = options.tags;
  const tagged =
    extra && extra.length > 0
      ? nodes.map((n) => n.with({ tags: [...new Set([...n.tags, ...extra])] }))
      : nodes;
  const p = new Pipeline(tagged);
  if (options.namespace !== undefined) return p.namespace(options.namespace, options);
  // Kedro renames listed inputs, outputs and params even without a namespace.
  if (options.inputs || options.outputs || options.params)
    return new Pipeline(applyNamespace(p.items, p.index, null, options));
  return p;
}
