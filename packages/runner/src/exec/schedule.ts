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
  // Nodes are plan positions here and the graph is arrays: per-node Maps and Sets keyed
  // by id made scheduling cost grow with the plan's size (see plan-index.ts).
  const { ordered, upstream } = ex.index;
  const n = ordered.length;
  const selected = selection(ex, order);
  const waiting = new Int32Array(n);
  // Dependents of each position, packed: those of u are dependents[start[u] .. start[u + 1]).
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (!selected[i]) continue;
    for (const u of upstream[i]!) {
      if (!selected[u]) continue;
      waiting[i]!++;
      start[u + 1]!++;
    }
  }
  for (let u = 0; u < n; u++) start[u + 1]! += start[u]!;
  const dependents = new Int32Array(start[n]!);
  const fill = start.slice(0, n);
  const ready = new ReadyQueue();
  for (let i = 0; i < n; i++) {
    if (!selected[i]) continue;
    for (const u of upstream[i]!) if (selected[u]) dependents[fill[u]!++] = i;
    if (waiting[i] === 0) ready.push(i);
  }

  let failedFirst: string | undefined;
  let running = 0;
  await new Promise<void>((resolve, reject) => {
    const finish = (at: number, record: NodeRecord) => {
      running--;
      if (record.status === "ran" || record.status === "cached") {
        for (let j = start[at]!; j < start[at + 1]!; j++) {
          const d = dependents[j]!;
          if (--waiting[d]! === 0) ready.push(d);
        }
      } else if (record.status === "failed") failedFirst ??= ordered[at]!.id;
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
          const at = ready.pop()!;
          running++;
          processNode(ex, ordered[at]!, at).then((r) => finish(at, r), reject);
        }
        if (running === 0) resolve();
      } catch (error) {
        reject(error);
      }
    };
    pump();
  });

  // The plan's own order (a whole run) is positions 0..n-1: no lookup of each id.
  const whole = order === ex.index.plan.order;
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    const at = whole ? i : ex.index.position.get(id)!;
    if (ex.records.hasAt(at)) continue;
    const reason = skipReason(ex, upstream[at]!, selected, failedFirst);
    ex.records.setAt(at, {
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

/** 1 at the position of every node in `order` (a subset of the plan's order). */
function selection(ex: Execution, order: readonly string[]): Uint8Array {
  const selected = new Uint8Array(ex.index.ordered.length);
  // Plan ids are unique, so a selection as long as the plan is all of it.
  if (order.length === selected.length) selected.fill(1);
  else for (const id of order) selected[ex.index.position.get(id)!] = 1;
  return selected;
}

function skipReason(
  ex: Execution,
  upstream: readonly number[],
  selected: Uint8Array,
  failedFirst: string | undefined,
): string {
  for (const at of upstream) {
    if (!selected[at]) continue;
    const u = ex.index.ordered[at]!.id;
    const r = ex.records.get(u);
    if (r && (r.status === "failed" || r.status === "skipped"))
      return `upstream node "${u}" ${r.status === "failed" ? "failed" : "was skipped"}`;
  }
  if (ex.signal?.aborted) return "the run was interrupted";
  if (failedFirst !== undefined)
    return `node "${failedFirst}" failed and the run stops at the first failure (use keepGoing / --keep-going to run independent nodes)`;
  return "not reached";
}
