import { didYouMean } from "@pipewright/core";
import { type Command, JSON_OPTION } from "../command.ts";
import { UsageError } from "../errors.ts";
import { duration, type Io, json, plural } from "../output.ts";
import { loadProject } from "../project.ts";

const SUBCOMMANDS = ["ls", "show", "diff"] as const;

function show(value: unknown): string {
  return value === undefined ? "-" : typeof value === "string" ? value : JSON.stringify(value);
}

/** A two-or-more column table, padded, for the terminal. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map(
      (r) =>
        `  ${r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}

async function runsLs(io: Io, asJson: boolean, store: import("@pipewright/runner").RunStore) {
  const runs = await store.list();
  if (asJson) return io.out(json(runs));
  if (runs.length === 0) return io.out("no runs yet: `pipewright run` records one\n");
  io.out(
    table([
      ["ID", "PIPELINE", "STATUS", "STARTED", "RAN", "CACHED", "FAILED"],
      ...runs.map((r) => [
        r.id,
        r.pipeline,
        r.status,
        r.startedAt,
        String(r.counts.ran ?? 0),
        String(r.counts.cached ?? 0),
        String(r.counts.failed ?? 0),
      ]),
    ]),
  );
}

const num = (v: unknown) => (typeof v === "number" ? String(Number(v.toPrecision(6))) : show(v));
const signed = (d: number | undefined) => (d === undefined ? "" : `${d > 0 ? "+" : ""}${num(d)}`);

/** Two runs side by side: changed params, every metric with its delta, cache hits and durations. */
function renderRunDiff(d: import("@pipewright/runner").RunDiff, io: Io): string {
  const c = io.colours;
  const parts = [
    `${c.bold("A")} ${d.a.id}  ${d.a.status}, ${d.a.ran} ran / ${d.a.cacheHits} cached, ${duration(d.a.durationMs)}\n`,
    `${c.bold("B")} ${d.b.id}  ${d.b.status}, ${d.b.ran} ran / ${d.b.cacheHits} cached, ${duration(d.b.durationMs)}\n`,
  ];
  const changed = d.params.filter((p) => p.changed);
  parts.push(
    `\n${c.bold("params")} ${c.dim(`(${changed.length} of ${d.params.length} changed)`)}\n`,
  );
  if (changed.length > 0)
    parts.push(table([["PARAM", "A", "B"], ...changed.map((p) => [p.name, show(p.a), show(p.b)])]));
  if (d.metrics.length > 0) {
    parts.push(
      `\n${c.bold("metrics")}\n`,
      table([
        ["METRIC", "A", "B", "Δ"],
        ...d.metrics.map((m) => [m.name, num(m.a), num(m.b), signed(m.delta)]),
      ]),
    );
  }
  parts.push(
    `\n${c.bold("nodes")}\n`,
    table([
      ["NODE", "A", "B", "Δ TIME"],
      ...d.nodes.map((n) => [
        n.name,
        n.a ? `${n.a.status} ${duration(n.a.durationMs)}` : "-",
        n.b ? `${n.b.status} ${duration(n.b.durationMs)}` : "-",
        n.durationDeltaMs === undefined
          ? ""
          : `${n.durationDeltaMs < 0 ? "-" : "+"}${duration(Math.abs(n.durationDeltaMs))}`,
      ]),
    ]),
  );
  for (const p of d.partitions) {
    const names = (xs: string[]) => `${xs.slice(0, 5).join(", ")}${xs.length > 5 ? ", ..." : ""}`;
    parts.push(
      `\n${c.bold("partitions")} ${p.node}: ${p.added.length} added, ${p.removed.length} removed, ${p.changed.length} changed, ${p.same} same\n`,
    );
    if (p.added.length > 0) parts.push(`  + ${names(p.added)}\n`);
    if (p.removed.length > 0) parts.push(`  - ${names(p.removed)}\n`);
    if (p.changed.length > 0) parts.push(`  ~ ${names(p.changed)}\n`);
  }
  return parts.join("");
}

/** "2 ran, 8 cached" for a map node's partitions; "" for other nodes. */
function partitionCounts(partitions: { status: string }[] | undefined): string {
  if (!partitions) return "";
  const by = new Map<string, number>();
  for (const p of partitions) by.set(p.status, (by.get(p.status) ?? 0) + 1);
  return partitions.length === 0 ? "0" : [...by].map(([s, n]) => `${n} ${s}`).join(", ");
}

/** Accepts an id, "latest", or "latest~N" (the run N before the latest). */
async function resolveRun(
  store: import("@pipewright/runner").RunStore,
  ref: string,
): Promise<string> {
  const m = /^latest~(\d+)$/.exec(ref);
  if (!m) return ref;
  const ids = (await store.list()).map((r) => r.id).sort();
  const id = ids[ids.length - 1 - Number(m[1])];
  if (!id) throw new UsageError(`${ref}: there are only ${plural(ids.length, "recorded run")}.`);
  return id;
}

export const runs: Command = {
  name: "runs",
  summary: "List, show and compare recorded runs (.pipewright/runs).",
  usage:
    "pipewright runs ls | show ID|latest | diff A B  [--json]   (A, B: ids, latest, or latest~N)",
  options: { ...JSON_OPTION },
  positionals: { min: 1, max: 3 },
  examples: [
    "pipewright runs ls",
    "pipewright runs show latest --json",
    "pipewright runs diff latest~1 latest",
  ],
  async run({ values, positionals }, io) {
    const [sub, ...args] = positionals as [string, ...string[]];
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UsageError(
        `unknown runs subcommand "${sub}".${didYouMean(sub, SUBCOMMANDS)} Use: ${SUBCOMMANDS.join(", ")}.`,
        "runs",
      );
    }
    const arity = { ls: 0, show: 1, diff: 2 }[sub as (typeof SUBCOMMANDS)[number]];
    if (args.length !== arity)
      throw new UsageError(`runs ${sub} takes ${plural(arity, "argument")}. Usage: ${runs.usage}`);
    const project = await loadProject(io.cwd);
    const { RunStore, diffRuns } = await import("@pipewright/runner");
    const store = new RunStore(project.root);
    const asJson = values.json === true;
    if (sub === "ls") {
      await runsLs(io, asJson, store);
      return 0;
    }
    if (sub === "show") {
      const record = await store.get(await resolveRun(store, args[0]!));
      if (asJson) {
        io.out(json(record));
        return 0;
      }
      io.out(
        `run ${record.id}  ${record.pipeline}  ${record.status}  ${record.startedAt}${record.gitCommit ? `  git ${record.gitCommit.slice(0, 10)}` : ""}\n`,
      );
      io.out(
        table([
          ["NODE", "STATUS", "TIME", "PARTITIONS", "METRICS"],
          ...record.nodes.map((n) => [
            n.name,
            n.status,
            duration(n.durationMs),
            partitionCounts(n.partitions),
            n.metrics ? show(n.metrics) : "",
          ]),
        ]),
      );
      return 0;
    }
    const [a, b] = await Promise.all([
      store.get(await resolveRun(store, args[0]!)),
      store.get(await resolveRun(store, args[1]!)),
    ]);
    if (asJson) {
      io.out(json(diffRuns(a, b)));
      return 0;
    }
    io.out(renderRunDiff(diffRuns(a, b), io));
    return 0;
  },
};
