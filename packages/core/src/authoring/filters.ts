import { ErrorCode } from "../errors/codes.ts";
import { CompileError, type Issue } from "../errors/errors.ts";
import { didYouMean } from "../util/names.ts";
import type { Node } from "./node.ts";
import type { DatasetRef, PipelineIndex } from "./pipeline.ts";

/** The filters of `Pipeline.filter()` and of `pipewright run`; each given one applies. */
export interface FilterOptions {
  /** Nodes carrying any of these tags. */
  tags?: readonly string[];
  /** Nodes with these qualified names. */
  nodes?: readonly string[];
  /** These nodes and everything downstream of them. */
  fromNodes?: readonly string[];
  /** These nodes and everything upstream of them. */
  toNodes?: readonly string[];
  /** Nodes that read these datasets, and everything downstream. */
  fromInputs?: readonly DatasetRef[];
  /** Nodes that produce these datasets, and everything upstream. */
  toOutputs?: readonly DatasetRef[];
}

export function refName(ref: DatasetRef): string {
  return typeof ref === "string" ? ref : ref.name;
}

/** Resolves node names to nodes, collecting an UNKNOWN_NODE issue per unknown name. */
function nodesNamed(
  index: PipelineIndex,
  names: readonly string[],
  issues: Issue[],
  option: string,
): Node[] {
  const found: Node[] = [];
  for (const name of names) {
    const nodes = index.byId.get(name);
    if (nodes) found.push(...nodes);
    else {
      issues.push({
        code: ErrorCode.UNKNOWN_NODE,
        message: `${option}: no node named "${name}" in the pipeline.${didYouMean(name, index.byId.keys())} Run \`pipewright ls\` to list nodes.`,
        path: [option, name],
        nodes: [name],
      });
    }
  }
  return found;
}

function checkDatasets(
  index: PipelineIndex,
  refs: readonly DatasetRef[],
  issues: Issue[],
  option: string,
  params = false,
): string[] {
  // Kedro spells a param "params:name"; both spellings work.
  const names = refs.map((r) => (params ? refName(r).replace(/^params:/, "") : refName(r)));
  for (const name of names) {
    if (!index.datasets.has(name) && !(params && index.params.has(name))) {
      issues.push({
        code: ErrorCode.UNKNOWN_DATASET,
        message: `${option}: no dataset named "${name}" in the pipeline.${didYouMean(name, index.datasets.keys())}`,
        path: [option, name],
        datasets: [name],
      });
    }
  }
  return names;
}

/** Breadth-first walk from `start` along `next`, returning every node reached (start included). */
function walk(start: Iterable<Node>, next: (n: Node) => Iterable<Node>): Set<Node> {
  const seen = new Set<Node>(start);
  const queue = [...seen];
  for (let i = 0; i < queue.length; i++) {
    for (const m of next(queue[i]!)) {
      if (!seen.has(m)) {
        seen.add(m);
        queue.push(m);
      }
    }
  }
  return seen;
}

function downstream(index: PipelineIndex, start: Iterable<Node>): Set<Node> {
  return walk(start, function* (n) {
    for (const ds of Object.values(n.outputs)) yield* index.consumers.get(ds.name) ?? [];
  });
}

function upstream(index: PipelineIndex, start: Iterable<Node>): Set<Node> {
  return walk(start, function* (n) {
    for (const [, ds] of n.datasetInputs()) yield* index.producers.get(ds.name) ?? [];
  });
}

/**
 * Applies every given filter to the whole pipeline and intersects the results (Kedro's
 * `Pipeline.filter`). Unknown names are errors, reported together; a filter that
 * matches nothing yields an empty selection.
 */
export function selectNodes(
  items: readonly Node[],
  index: PipelineIndex,
  f: FilterOptions,
): Node[] {
  const issues: Issue[] = [];
  const selections: Set<Node>[] = [];
  if (f.tags) {
    const wanted = new Set(f.tags);
    for (const tag of wanted) {
      if (!index.tags.has(tag)) {
        issues.push({
          code: ErrorCode.UNKNOWN_TAG,
          message: `tags: no node is tagged "${tag}".${didYouMean(tag, index.tags)} Tags in this pipeline: ${[...index.tags].sort().join(", ") || "(none)"}.`,
          path: ["tags", tag],
        });
      }
    }
    selections.push(new Set(items.filter((n) => n.tags.some((t) => wanted.has(t)))));
  }
  if (f.nodes) selections.push(new Set(nodesNamed(index, f.nodes, issues, "nodes")));
  if (f.fromNodes)
    selections.push(downstream(index, nodesNamed(index, f.fromNodes, issues, "fromNodes")));
  if (f.toNodes) selections.push(upstream(index, nodesNamed(index, f.toNodes, issues, "toNodes")));
  if (f.fromInputs) {
    // Kedro's from_inputs also takes params ("params:lr"): the nodes reading them.
    const names = checkDatasets(index, f.fromInputs, issues, "fromInputs", true);
    selections.push(
      downstream(
        index,
        names.flatMap(
          (d) =>
            index.consumers.get(d) ??
            items.filter((n) => n.paramInputs().some(([, h]) => h.name === d)),
        ),
      ),
    );
  }
  if (f.toOutputs) {
    const names = checkDatasets(index, f.toOutputs, issues, "toOutputs");
    selections.push(
      upstream(
        index,
        names.flatMap((d) => index.producers.get(d) ?? []),
      ),
    );
  }
  CompileError.throwIfAny(issues);
  if (selections.length === 0) return [...items];
  return items.filter((n) => selections.every((s) => s.has(n)));
}
