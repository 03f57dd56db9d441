import { mapNode } from "./map-node.ts";
import { node as plainNode } from "./node.ts";

/**
 * `node()` with `node.map()`: declare a node, or a map node that runs once per partition.
 * See node() and mapNode().
 *
 * @example
 * const clean = node.map({ name: "clean", over: { events: rawEvents }, outputs: { cleaned }, run: ... });
 */
export const node: typeof plainNode & { map: typeof mapNode } = Object.assign(plainNode, {
  map: mapNode,
});
