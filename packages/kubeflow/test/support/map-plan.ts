import {
  compile,
  type Dataset,
  dataset,
  node,
  type Plan,
  partitioned,
  pipeline,
} from "@pipewright/core";
import { z } from "zod";
import { ROOT } from "./fixtures.ts";
import { random } from "./random.ts";

const value = z.number();
/** Every dataset on S3, a partitioned one as a folder of one file per partition. */
const catalog = { resolve: (id: string) => ({ type: "json", uri: `s3://bucket/data/${id}/` }) };

/**
 * A random DAG mixing map nodes (over a partitioned dataset, writing one) and normal nodes
 * (some of them fan-ins reading partitioned datasets whole): the shapes a fan-out must keep
 * in order, with the same seeded generator as test/support/random-plan.ts.
 */
export function randomMapPlan(o: { nodes: number; seed: number; window?: number }): Plan {
  const rnd = random(o.seed);
  const source = partitioned("source", value);
  const plain: Dataset<number>[] = [];
  const parts: Dataset<number>[] = [source as never];
  const nodes = [];
  const pick = <T>(list: T[]): T =>
    list[list.length - 1 - Math.floor(rnd() * Math.min(list.length, o.window ?? list.length))]!;
  for (let i = 0; i < o.nodes; i++) {
    const inputs: Record<string, Dataset<number>> = {};
    if (plain.length > 0 && rnd() < 0.5) inputs.a = pick(plain);
    if (rnd() < 0.5) {
      const out = partitioned(`p${i}`, value);
      nodes.push(
        node.map({
          name: `m${i}`,
          over: { item: pick(parts) as never },
          inputs,
          outputs: { out },
          run: (() => ({ out: 1 })) as never,
        }),
      );
      parts.push(out as never);
    } else {
      const out = dataset(`d${i}`, value);
      if (rnd() < 0.7) inputs.whole = pick(parts);
      if (Object.keys(inputs).length === 0) inputs.whole = source as never;
      nodes.push(
        node({ name: `n${i}`, inputs, outputs: { out }, run: (() => ({ out: 1 })) as never }),
      );
      plain.push(out);
    }
  }
  return compile(pipeline(nodes), { catalog: catalog as never, root: ROOT });
}
