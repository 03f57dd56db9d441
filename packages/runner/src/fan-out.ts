import { ErrorCode, PipewrightError, planHash } from "@pipewright/core";
import { DataStore } from "@pipewright/io";
import { z } from "zod";
import { DataAccess } from "./exec/data.ts";
import { Execution } from "./exec/execution.ts";
import { itemsOf, listingHash } from "./exec/map.ts";
import { indexPlan } from "./plan-index.ts";
import type { RunNodesOptions } from "./types.ts";

/** What an engine's listing step learns: how to split a map node into tasks. */
export interface FanOut {
  /** How many partitions there are now. */
  partitions: number;
  /** One string per engine task, for `run-node --batch`: "index/count@listing". */
  batches: string[];
  /** Output partitions deleted because their input partition is gone. */
  removed: string[];
}

/**
 * The listing step of an engine's fan-out over map node `nodes[0]`: lists its partitions
 * (or list items), splits them into at most `maxBatches` contiguous batches, and deletes
 * the output partitions whose input is gone (a batch task only knows its own slice, so it
 * cannot). At least one batch, so zero partitions still run one task, which records the
 * warning. Each batch carries a hash of the listing: a task refuses to run if the
 * partitions changed in between.
 *
 * @example
 * const { batches } = await fanOut({ root, plan, pipeline: p, nodes: ["clean_events"], maxBatches: 100 });
 * // ["0/3@9f2c...", "1/3@9f2c...", "2/3@9f2c..."]
 */
export async function fanOut(o: RunNodesOptions & { maxBatches: number }): Promise<FanOut> {
  if (o.planHash !== undefined && planHash(o.plan) !== o.planHash)
    throw new PipewrightError(
      ErrorCode.PLAN_HASH_MISMATCH,
      `the plan compiled in this image has hash ${planHash(o.plan)}, but the task expects ${o.planHash}: rebuild the image and compile the manifest from the same commit.`,
    );
  const node = o.plan.nodes.find((n) => n.id === o.nodes[0]);
  if (o.nodes.length !== 1 || !node?.map)
    throw new PipewrightError(
      ErrorCode.USAGE,
      `--fan-out takes exactly one map node${node && !node.map ? `; "${node.id}" is not one` : ""}.`,
    );
  if (!(Number.isInteger(o.maxBatches) && o.maxBatches >= 1))
    throw new PipewrightError(ErrorCode.USAGE, `--fan-out needs a whole number ≥ 1 of batches.`);
  const store = o.store ?? new DataStore({ root: o.root });
  const schemaOf = (id: string) => o.pipeline.index.datasets.get(id)?.schema ?? z.unknown();
  const ex = new Execution(
    "fan-out",
    indexPlan(o.plan),
    new DataAccess(store, o.memory ?? new Map(), schemaOf),
    undefined,
    o,
  );
  const { items } = await itemsOf(ex, node);
  const names = items.map((i) => i.name);
  const removed = new Set<string>();
  const present = new Set(names);
  for (const id of Object.values(node.outputs)) {
    const ds = ex.index.datasets.get(id)!;
    if (ds.storage.type === "memory") continue;
    for (const name of await ex.parts.store.names(ds, { node: node.id })) {
      if (present.has(name)) continue;
      await ex.parts.store.remove(ds, name);
      removed.add(name);
    }
  }
  const count = Math.max(1, Math.min(o.maxBatches, names.length));
  const listing = listingHash(names);
  return {
    partitions: names.length,
    batches: Array.from({ length: count }, (_, i) => `${i}/${count}@${listing}`),
    removed: [...removed].sort(),
  };
}

/** Parses "index/count" or "index/count@listing" (what fanOut lists). */
export function parseBatch(text: string): { index: number; of: number; listing?: string } {
  const m = /^(\d{1,6})\/(\d{1,6})(?:@([0-9a-f]{16}))?$/.exec(text);
  if (!m)
    throw new PipewrightError(
      ErrorCode.USAGE,
      `--batch ${JSON.stringify(text.slice(0, 60))} is not a batch: write INDEX/COUNT, as the fan-out step lists them (e.g. 3/10).`,
    );
  return { index: Number(m[1]), of: Number(m[2]), ...(m[3] !== undefined && { listing: m[3] }) };
}
