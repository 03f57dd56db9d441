import type { CatalogResolver } from "@pipewright/core";
import { compile, type Dataset, dataset, node, type Plan, pipeline } from "@pipewright/core";
import { z } from "zod";
import { random } from "./random.ts";

export { random } from "./random.ts";

export interface RandomDagOptions {
  nodes: number;
  seed: number;
  /** Most inputs per node, each from a random earlier node (or a free input). */
  maxInputs?: number;
  /** How far back inputs reach, in nodes: small values give long chains, large ones wide layers. */
  window?: number;
  /** Namespaces to spread nodes over (for grouping), none by default. */
  namespaces?: number;
}

const value = z.number();
let fn: (() => { out: number }) | undefined;

/**
 * A random DAG pipeline compiled with the core API, every dataset bound by `catalog`: the
 * adapters' property tests (Argo, Kubeflow) run on these.
 */
export function randomPlan(
  o: RandomDagOptions,
  where: { catalog: CatalogResolver; root: string },
): Plan {
  const rnd = random(o.seed);
  const outputs: Dataset<number>[] = [];
  const source = dataset("source", value);
  fn ??= () => ({ out: 1 });
  const nodes = [];
  for (let i = 0; i < o.nodes; i++) {
    const out = dataset(`d${i}`, value);
    const inputs: Record<string, Dataset<number>> = {};
    const count = Math.floor(rnd() * ((o.maxInputs ?? 3) + 1));
    for (let k = 0; k < count && i > 0; k++) {
      const j = i - 1 - Math.floor(rnd() * Math.min(i, o.window ?? i));
      inputs[`in${j}`] = outputs[j]!;
    }
    if (Object.keys(inputs).length === 0) inputs.source = source;
    outputs.push(out);
    // Contiguous ranges: edges only go to the same or a later namespace, so grouping by
    // namespace cannot make tasks wait on each other.
    const ns = o.namespaces ? `ns${Math.floor((i * o.namespaces) / o.nodes)}` : undefined;
    const n = node({ name: `n${i}`, inputs, outputs: { out }, run: fn as never });
    nodes.push(
      ns
        ? pipeline([n]).namespace(ns, {
            inputs: Object.values(inputs).map((d) => d.name),
            outputs: [out.name],
          })
        : n,
    );
  }
  return compile(pipeline(nodes), { name: `random-${o.seed}`, ...where });
}
