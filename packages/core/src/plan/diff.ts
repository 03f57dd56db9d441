import type { Plan, PlanNode } from "./schema.ts";

/** Why a node differs between two plans. Kinds match `pipewright status` causes where they overlap. */
export interface PlanChange {
  kind: "code" | "param" | "input" | "schema" | "package" | "format" | "settings";
  detail: string;
  file?: string;
  name?: string;
  old?: unknown;
  new?: unknown;
  dataset?: string;
}

export interface PlanDiff {
  added: string[];
  removed: string[];
  /** Nodes in both plans that differ, with every cause. */
  changed: { name: string; causes: PlanChange[] }[];
  /** Nodes whose cache key changed: their cached results will not be reused. */
  invalidated: string[];
  /** Nodes downstream of an invalidated node: they re-run only if its outputs change. */
  downstream: string[];
}

function recordChanges<V>(
  a: Record<string, V>,
  b: Record<string, V>,
  make: (key: string, old: V | undefined, now: V | undefined) => PlanChange | undefined,
): PlanChange[] {
  const out: PlanChange[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (a[key] !== b[key]) {
      const c = make(key, a[key], b[key]);
      if (c) out.push(c);
    }
  }
  return out;
}

function nodeChanges(a: PlanNode, b: PlanNode, pa: Plan, pb: Plan): PlanChange[] {
  const causes: PlanChange[] = [];
  const ca = pa.code[a.codeHash]!;
  const cb = pb.code[b.codeHash]!;
  if (ca.version !== cb.version)
    causes.push({
      kind: "code",
      detail: `codeVersion ${ca.version ?? "(none)"} -> ${cb.version ?? "(none)"}`,
      old: ca.version,
      new: cb.version,
    });
  if (a.codeHash !== b.codeHash) {
    causes.push(
      ...recordChanges(ca.files, cb.files, (file, old, now) => ({
        kind: "code",
        file,
        detail:
          old === undefined
            ? `${file} is now part of the node's code`
            : now === undefined
              ? `${file} is no longer part of the node's code`
              : `${file} changed`,
      })),
    );
  }
  causes.push(
    ...recordChanges(ca.packages, cb.packages, (name, old, now) => ({
      kind: "package",
      name,
      old,
      new: now,
      detail: `${name} ${old ?? "(none)"} -> ${now ?? "(none)"}`,
    })),
  );
  const paramValue = (p: Plan, id: string | undefined) =>
    id === undefined ? undefined : p.params.find((x) => x.id === id);
  for (const key of [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].sort()) {
    const pa0 = paramValue(pa, a.params[key]);
    const pb0 = paramValue(pb, b.params[key]);
    if (pa0?.valueHash !== pb0?.valueHash || a.params[key] !== b.params[key]) {
      causes.push({
        kind: "param",
        name: b.params[key] ?? a.params[key]!,
        old: pa0?.value,
        new: pb0?.value,
        detail: `${b.params[key] ?? a.params[key]}: ${JSON.stringify(pa0?.value)} -> ${JSON.stringify(pb0?.value)}`,
      });
    }
  }
  const schemaOf = (p: Plan, ds: string | undefined) =>
    ds === undefined ? undefined : p.datasets.find((d) => d.id === ds);
  for (const [side, ka, kb] of [
    ["input", a.inputs, b.inputs],
    ["output", a.outputs, b.outputs],
  ] as const) {
    for (const key of [...new Set([...Object.keys(ka), ...Object.keys(kb)])].sort()) {
      const da = schemaOf(pa, ka[key]);
      const db = schemaOf(pb, kb[key]);
      if (ka[key] !== kb[key])
        causes.push({
          kind: "input",
          dataset: kb[key] ?? ka[key]!,
          detail: `${side} ${key}: ${ka[key] ?? "(none)"} -> ${kb[key] ?? "(none)"}`,
        });
      else if (da && db && da.schemaHash !== db.schemaHash)
        causes.push({ kind: "schema", dataset: db.id, detail: `${side} ${db.id}: schema changed` });
      else if (side === "output" && da && db && da.storage.type !== db.storage.type)
        causes.push({
          kind: "format",
          dataset: db.id,
          detail: `${db.id}: ${da.storage.type} -> ${db.storage.type}`,
        });
    }
  }
  // A node that became (or stopped being) a map node, or maps over another input.
  const mapText = (n: PlanNode) => (n.map ? `map over ${n.map.over} (${n.map.source})` : "no map");
  if (mapText(a) !== mapText(b))
    causes.push({ kind: "code", detail: `${mapText(a)} -> ${mapText(b)}` });
  for (const key of new Set([...Object.values(a.outputs), ...Object.values(b.outputs)])) {
    const da = schemaOf(pa, key);
    const db = schemaOf(pb, key);
    if (da && db && (da.partitioned ?? false) !== (db.partitioned ?? false))
      causes.push({
        kind: "format",
        dataset: key,
        detail: `${key}: ${da.partitioned ? "partitioned" : "one value"} -> ${db.partitioned ? "partitioned" : "one value"}`,
      });
  }
  const settings = (n: PlanNode) =>
    JSON.stringify([n.resources, n.retries, n.timeoutSeconds, n.tags, n.cache]);
  if (settings(a) !== settings(b))
    causes.push({
      kind: "settings",
      detail: "resources, retries, timeout, tags or cache flag changed (no effect on caching)",
    });
  return causes;
}

/**
 * Compares two plans for code review: nodes added, removed and changed (with causes), and
 * which caches the change invalidates.
 *
 * @example
 * const d = diffPlans(parsePlan(before), parsePlan(after)); d.invalidated // ["active.train_model"]
 */
export function diffPlans(a: Plan, b: Plan): PlanDiff {
  const before = new Map(a.nodes.map((n) => [n.id, n]));
  const after = new Map(b.nodes.map((n) => [n.id, n]));
  const added = b.order.filter((id) => !before.has(id));
  const removed = a.order.filter((id) => !after.has(id));
  const changed: PlanDiff["changed"] = [];
  const invalidated: string[] = [];
  for (const id of b.order) {
    const na = before.get(id);
    const nb = after.get(id)!;
    if (!na) continue;
    if (na.cacheKey !== nb.cacheKey) invalidated.push(id);
    const causes = nodeChanges(na, nb, a, b);
    if (causes.length > 0 || na.cacheKey !== nb.cacheKey) changed.push({ name: id, causes });
  }
  // Everything reachable downstream of an invalidated or added node, in plan order.
  const consumers = new Map(b.datasets.map((d) => [d.id, d.consumers]));
  const reached = new Set<string>();
  const queue = [...invalidated, ...added];
  for (let i = 0; i < queue.length; i++) {
    for (const ds of Object.values(after.get(queue[i]!)!.outputs)) {
      for (const c of consumers.get(ds) ?? []) {
        if (!reached.has(c)) {
          reached.add(c);
          queue.push(c);
        }
      }
    }
  }
  const skip = new Set([...invalidated, ...added]);
  const downstream = b.order.filter((id) => reached.has(id) && !skip.has(id));
  return { added, removed, changed, invalidated, downstream };
}
