import type { NodeRecord } from "../types.ts";
import { ReadyQueue } from "../util/heap.ts";
import type { Execution } from "./execution.ts";
import { processNode } from "./process.ts";

/**
 * Runs `order` (node ids in topological order) with up to `parallel` nodes at once,
 * always starting the earliest ready node in plan order. Fail-fast stops scheduling at
 * the first failure and lets running nodes finish; keepGoing skips only what depends on
 * a failure. An abort stops scheduling; running nodes are abandoned by their guards.
 * Every node gets a record; those never started are "skipped".
 */
export async function schedule(
  ex: Execution,
  order: readonly string[],
  parallel: number,
  keepGoing: boolean,
): Promise<void> {
  const selected = new Set(order);
  const position = new Map(order.map((id, i) => [id, i]));
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready = new ReadyQueue(position);
  const upstreams = new Map<string, Set<string>>();
  for (const id of order) {
    const upstream = upstreamOf(ex, id, selected);
    upstreams.set(id, upstream);
    waitingOn.set(id, upstream.size);
    for (const u of upstream) {
      const list = dependents.get(u);
      if (list) list.push(id);
      else dependents.set(u, [id]);
    }
    if (upstream.size === 0) ready.push(id);
  }

  let failedFirst: string | undefined;
  let running = 0;
  await new Promise<void>((resolve, reject) => {
    const finish = (id: string, record: NodeRecord) => {
      running--;
      if (record.status === "ran" || record.status === "cached") {
        for (const d of dependents.get(id) ?? []) {
          const left = waitingOn.get(d)! - 1;
          waitingOn.set(d, left);
          if (left === 0) ready.push(d);
        }
      } else if (record.status === "failed") failedFirst ??= id;
      pump();
    };
    const pump = () => {
      try {
        while (
          running < parallel &&
          ready.size > 0 &&
          !ex.signal?.aborted &&
          (keepGoing || failedFirst === undefined)
        ) {
          const id = ready.pop()!;
          running++;
          processNode(ex, ex.index.nodes.get(id)!).then((r) => finish(id, r), reject);
        }
        if (running === 0) resolve();
      } catch (error) {
        reject(error);
      }
    };
    pump();
  });

  for (const id of order) {
    if (ex.records.has(id)) continue;
    const reason = skipReason(ex, upstreams.get(id)!, failedFirst);
    ex.records.set(id, {
      name: id,
      status: "skipped",
      durationMs: 0,
      cacheKey: null,
      inputs: {},
      outputs: {},
      attempts: 0,
    });
    ex.emit({ type: "node-skipped", node: id, reason });
  }
}

function upstreamOf(ex: Execution, id: string, selected: Set<string>): Set<string> {
  const node = ex.index.nodes.get(id)!;
  const up = new Set<string>();
  for (const key in node.inputs) {
    const producer = ex.index.datasets.get(node.inputs[key]!)!.producer;
    if (producer !== null && producer !== id && selected.has(producer)) up.add(producer);
  }
  return up;
}

function skipReason(ex: Execution, upstream: Set<string>, failedFirst: string | undefined): string {
  for (const u of upstream) {
    const r = ex.records.get(u);
    if (r && (r.status === "failed" || r.status === "skipped"))
      return `upstream node "${u}" ${r.status === "failed" ? "failed" : "was skipped"}`;
  }
  if (ex.signal?.aborted) return "the run was interrupted";
  if (failedFirst !== undefined)
    return `node "${failedFirst}" failed and the run stops at the first failure (use keepGoing / --keep-going to run independent nodes)`;
  return "not reached";
}
