import type { RunRecord } from "../types.ts";

/** Two runs side by side: `pipewright runs diff A B`. */
export interface RunDiff {
  a: RunSide;
  b: RunSide;
  /** Every param of either run, dotted names; `changed` when the values differ. */
  params: { name: string; a: unknown; b: unknown; changed: boolean }[];
  /** Every metric of either run as "dataset.key" (numbers get a delta b - a). */
  metrics: { name: string; node: string; a: unknown; b: unknown; delta?: number }[];
  /** Every node of either run: status and duration in each. */
  nodes: { name: string; a: NodeSide | null; b: NodeSide | null; durationDeltaMs?: number }[];
  /** Map nodes of either run: their partitions compared. */
  partitions: PartitionsDiff[];
}

/** A map node's partitions in two runs. */
export interface PartitionsDiff {
  node: string;
  /** Partitions in B only / in A only. */
  added: string[];
  removed: string[];
  /** In both, with another input or output hash (the data differs). */
  changed: string[];
  /** In both with the same data. */
  same: number;
  /** Partitions by status in each run: { ran, cached, failed, skipped }. */
  a: Record<string, number> | null;
  b: Record<string, number> | null;
}

interface RunSide {
  id: string;
  pipeline: string;
  status: string;
  startedAt: string;
  durationMs: number;
  gitCommit?: string;
  /** Nodes served from the cache / executed. */
  cacheHits: number;
  ran: number;
}

interface NodeSide {
  status: string;
  durationMs: number;
}

/**
 * Compares two run records: params, metrics, cache hits and durations.
 *
 * @example
 * const d = diffRuns(await runs.get(a), await runs.get("latest"));
 * d.metrics.filter((m) => m.delta !== undefined && m.delta < 0)
 */
export function diffRuns(a: RunRecord, b: RunRecord): RunDiff {
  const pa = flatten(a.params);
  const pb = flatten(b.params);
  const params = [...new Set([...pa.keys(), ...pb.keys()])].sort().map((name) => {
    const va = pa.get(name);
    const vb = pb.get(name);
    return { name, a: va, b: vb, changed: JSON.stringify(va) !== JSON.stringify(vb) };
  });

  const ma = metricsOf(a);
  const mb = metricsOf(b);
  const metrics = [...new Set([...ma.keys(), ...mb.keys()])].sort().map((name) => {
    const x = ma.get(name);
    const y = mb.get(name);
    const row: RunDiff["metrics"][number] = {
      name,
      node: (y ?? x)!.node,
      a: x?.value,
      b: y?.value,
    };
    if (typeof x?.value === "number" && typeof y?.value === "number") row.delta = y.value - x.value;
    return row;
  });

  const na = new Map(a.nodes.map((n) => [n.name, n]));
  const nb = new Map(b.nodes.map((n) => [n.name, n]));
  const names = [
    ...a.nodes.map((n) => n.name),
    ...b.nodes.map((n) => n.name).filter((n) => !na.has(n)),
  ];
  const nodes = names.map((name) => {
    const x = na.get(name);
    const y = nb.get(name);
    const row: RunDiff["nodes"][number] = {
      name,
      a: x ? { status: x.status, durationMs: x.durationMs } : null,
      b: y ? { status: y.status, durationMs: y.durationMs } : null,
    };
    if (x && y) row.durationDeltaMs = y.durationMs - x.durationMs;
    return row;
  });
  return {
    a: side(a),
    b: side(b),
    params,
    metrics,
    nodes,
    partitions: partitionsDiff(na, nb, names),
  };
}

function partitionsDiff(
  na: Map<string, RunRecord["nodes"][number]>,
  nb: Map<string, RunRecord["nodes"][number]>,
  names: string[],
): PartitionsDiff[] {
  const out: PartitionsDiff[] = [];
  const counts = (n: RunRecord["nodes"][number] | undefined) => {
    if (!n?.partitions) return null;
    const c: Record<string, number> = { ran: 0, cached: 0, failed: 0, skipped: 0 };
    for (const p of n.partitions) c[p.status] = (c[p.status] ?? 0) + 1;
    return c;
  };
  for (const name of names) {
    const x = na.get(name);
    const y = nb.get(name);
    if (!x?.partitions && !y?.partitions) continue;
    const pa = new Map((x?.partitions ?? []).map((p) => [p.name, p]));
    const pb = new Map((y?.partitions ?? []).map((p) => [p.name, p]));
    const d: PartitionsDiff = {
      node: name,
      added: [...pb.keys()].filter((k) => !pa.has(k)),
      removed: [...pa.keys()].filter((k) => !pb.has(k)),
      changed: [],
      same: 0,
      a: counts(x),
      b: counts(y),
    };
    for (const [k, p] of pb) {
      const q = pa.get(k);
      if (!q) continue;
      const data = (r: typeof p) => `${r.input}\0${JSON.stringify(r.outputs)}`;
      if (data(p) === data(q)) d.same++;
      else d.changed.push(k);
    }
    out.push(d);
  }
  return out;
}

function side(r: RunRecord): RunSide {
  const s: RunSide = {
    id: r.id,
    pipeline: r.pipeline,
    status: r.status,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    cacheHits: r.nodes.filter((n) => n.status === "cached").length,
    ran: r.nodes.filter((n) => n.status === "ran").length,
  };
  if (r.gitCommit) s.gitCommit = r.gitCommit;
  return s;
}

/** Nested objects as dotted names; arrays and scalars are leaves. */
function flatten(
  value: unknown,
  prefix = "",
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, value);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, value);
  return out;
}

function metricsOf(r: RunRecord): Map<string, { node: string; value: unknown }> {
  const out = new Map<string, { node: string; value: unknown }>();
  for (const n of r.nodes) {
    for (const [dataset, value] of Object.entries(n.metrics ?? {})) {
      for (const [name, v] of flatten(value, dataset)) out.set(name, { node: n.name, value: v });
    }
  }
  return out;
}
