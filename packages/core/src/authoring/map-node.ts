import { ErrorCode } from "../errors/codes.ts";
import { CompileError } from "../errors/errors.ts";
import type { Dataset } from "./dataset.ts";
import { Node, type NodeInputs, type NodeSpec, node, type ValuesOf } from "./node.ts";
import type { Param } from "./param.ts";
import type { Partitioned } from "./partitioned.ts";

/**
 * The input key under which the runner passes a map node the name of the partition it
 * runs; stripped before the user's function sees its inputs. Not a valid input key.
 */
export const PARTITION_INPUT = "$partition";

/** What a map node can map over: a partitioned dataset, or a list-valued dataset or param. */
export type MapSource = Partitioned<any> | Dataset<readonly any[]> | Param<readonly any[]>;

/** The value one call of a map node receives for each key of `over`. */
export type ItemsOf<Over> = {
  [K in keyof Over]: Over[K] extends Partitioned<infer T>
    ? T
    : Over[K] extends Dataset<readonly (infer T)[]>
      ? T
      : Over[K] extends Param<readonly (infer T)[]>
        ? T
        : never;
};

/** What one call of a map node returns: one partition's value per partitioned output. */
export type PartitionValuesOf<O> = {
  [K in keyof O]: O[K] extends Partitioned<infer T> ? T : never;
};

/** Rejects keys of `Actual` that `Expected` does not have, so extra outputs are type errors. */
type Exact<Expected, Actual> = Actual & Record<Exclude<keyof Actual, keyof Expected>, never>;

/** The second argument of a map node's `run`. */
export interface MapContext {
  /** The name of the partition (or list item) this call computes. */
  partition: string;
}

export interface MapNodeSpec<
  Over extends Record<string, MapSource>,
  I extends NodeInputs,
  O extends Record<string, Partitioned<any>>,
  R extends PartitionValuesOf<O>,
> extends Omit<NodeSpec<I, Record<string, Dataset<any>>, any>, "inputs" | "outputs" | "run"> {
  /**
   * The one collection to map over, under the key `run` receives each item by: a
   * partitioned dataset (one call per partition, named by it) or a list-valued dataset or
   * param (one call per item). Exactly one entry: a map over two collections at once is a
   * nested map, which is not supported.
   */
  over: Over;
  /** Inputs every call receives whole (datasets and params), as for `node()`. */
  inputs?: I;
  /** Partitioned datasets: each call writes the partition of its own name. */
  outputs: O;
  /**
   * The partition name of a list item (default: the item itself, for strings and
   * numbers). Names must be safe file names; see docs/partitions.md.
   */
  key?: (item: ItemsOf<Over>[keyof Over]) => string;
  run: (
    inputs: ItemsOf<Over> & ValuesOf<I>,
    context: MapContext,
  ) => Exact<PartitionValuesOf<O>, R> | Promise<Exact<PartitionValuesOf<O>, R>>;
}

/** What makes a node a map node: which input key it maps over, and how items are named. */
export interface Mapping {
  /** The input key mapped over. */
  over: string;
  /** Every key given in `over` (compile reports anything but exactly one as NESTED_MAP). */
  keys: readonly string[];
  key: ((item: unknown) => string) | null;
}

/**
 * A node that runs once per partition (or list item) of one input. Created with
 * `node.map()`; namespacing and filtering keep the mapping.
 */
export class MapNode extends Node {
  declare readonly mapping: Mapping;

  override with(change: Parameters<Node["with"]>[0]): Node {
    return asMapNode(super.with(change), this.mapping);
  }
}

/**
 * Turns a Node into a MapNode with the same fields. By copying the fields of a finished
 * Node rather than calling the constructor, map nodes keep every setting `node()` accepts,
 * now and when it grows new ones.
 */
function asMapNode(base: Node, mapping: Mapping): MapNode {
  const m = Object.assign(Object.create(MapNode.prototype) as MapNode, base);
  Object.defineProperty(m, "mapping", { value: mapping, enumerable: true });
  return m;
}

/** Whether a node is a map node (by shape: a second copy of core may be loaded). */
export function mappingOf(n: Node): Mapping | undefined {
  return (n as Partial<MapNode>).mapping;
}

/**
 * Declares a map node: `run` is called once per partition of a partitioned dataset, or
 * once per item of a list-valued dataset or param, and each call writes one partition of
 * every output. Each partition is cached on its own: adding a day runs that day only.
 * A normal node reading the output receives the whole collection (fan-in).
 *
 * @example
 * const clean = node.map({
 *   name: "clean_events",
 *   over: { events: rawEvents },          // partitioned("raw_events", z.array(Event))
 *   inputs: { minAmount },                 // every call gets the whole param
 *   outputs: { cleaned: cleanEvents },     // partitioned("clean_events", z.array(Event))
 *   run: ({ events, minAmount }, { partition }) => ({
 *     cleaned: events.filter((e) => e.amount >= minAmount),
 *   }),
 * });
 */
export function mapNode<
  Over extends Record<string, MapSource>,
  I extends NodeInputs = Record<string, never>,
  O extends Record<string, Partitioned<any>> = Record<string, Partitioned<any>>,
  R extends PartitionValuesOf<O> = PartitionValuesOf<O>,
>(spec: MapNodeSpec<Over, I, O, R>): Node {
  const overKeys = Object.keys(spec.over ?? {});
  const inputs = (spec.inputs ?? {}) as NodeInputs;
  const clash = overKeys.filter((k) => k in inputs || k === PARTITION_INPUT);
  if (clash.length > 0) {
    throw new CompileError([
      {
        code: ErrorCode.INVALID_MAP,
        message: `map node "${spec.name}": key "${clash[0]}" is both in over and in inputs. Give the mapped item its own key.`,
        path: ["nodes", spec.name, "over", clash[0]!],
        nodes: [spec.name],
      },
    ]);
  }
  const user = spec.run as (inputs: Record<string, unknown>, ctx: MapContext) => unknown;
  const { over, key, run: _run, inputs: _inputs, ...rest } = spec;
  const base = node({
    ...(rest as Omit<NodeSpec<NodeInputs, Record<string, Dataset<any>>, any>, "run">),
    inputs: { ...(over as NodeInputs), ...inputs },
    // The runner passes the partition name with the inputs (so a worker thread gets it too).
    run: ((all: Record<string, unknown>) => {
      const { [PARTITION_INPUT]: partition, ...values } = all;
      return user(values, { partition: partition as string });
    }) as never,
  });
  return asMapNode(base, {
    over: overKeys[0] ?? "",
    keys: overKeys,
    key: (key as ((item: unknown) => string) | undefined) ?? null,
  });
}
