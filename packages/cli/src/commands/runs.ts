import { type Command, JSON_OPTION } from "../command.ts";
import { UsageError } from "../errors.ts";
import { duration, type Io, json } from "../output.ts";
import { loadProject } from "../project.ts";

const SUBCOMMANDS = ["ls", "show", "diff"] as const;

function show(value: unknown): string {
  return value === undefined ? "-" : typeof value === "string" ? value : JSON.stringify(value);
}

/** A two-or-more column table, padded, for the terminal. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()}\n`).join("");
}

async function runsLs(io: Io, asJson: boolean, store: import("@pipewright/runner").RunStore) {
  const runs = await store.list();
  if (asJson) return io.out(json(runs));
  if (runs.length === 0) return io.out("no runs yet: `pipewright run` records one\n");
  io.out(table([["ID", "PIPELINE", "STATUS", "STARTED", "RAN", "CACHED", "FAILED"], ...runs.map((r) => [r.id, r.pipeline, r.status, r.startedAt, String(r.counts.ran ?? 0), String(r.counts.cached ?? 0), String(r.counts.failed ?? 0)])]));
}

export const runs: Command = {
  name: "runs",
  summary: "List, show and compare recorded runs (.pipewright/runs).",
  usage: "pipewright runs ls | show ID|latest | diff A B  [--json]",
  options: { ...JSON_OPTION },
  positionals: { min: 1, max: 3 },
  examples: ["pipewright runs ls", "pipewright runs show latest --json", "pipewright runs diff 2026-11-27T10-00-00-000Z-ab12 latest"],
  async run({ values, positionals }, io) {
    const [sub, ...args] = positionals as [string, ...string[]];
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UsageError(`unknown runs subcommand "${sub}". Use: ${SUBCOMMANDS.join(", ")}.`);
    }
    const arity = { ls: 0, show: 1, diff: 2 }[sub as (typeof SUBCOMMANDS)[number]];
    if (args.length !== arity) throw new UsageError(`runs ${sub} takes ${arity} argument(s). Usage: ${runs.usage}`);
    const project = await loadProject(io.cwd);
    const { RunStore, diffRuns } = await import("@pipewright/runner");
    const store = new RunStore(project.root);
    const asJson = values.json === true;
    if (sub === "ls") {
      await runsLs(io, asJson, store);
      return 0;
    }
    if (sub === "show") {
      const record = await store.get(args[0]!);
      if (asJson) {
        io.out(json(record));
        return 0;
      }
      io.out(`run ${record.id}  ${record.pipeline}  ${record.status}  ${record.startedAt}${record.gitCommit ? `  git ${record.gitCommit.slice(0, 10)}` : ""}\n`);
      io.out(table([["NODE", "STATUS", "TIME", "METRICS"], ...record.nodes.map((n) => [n.name, n.status, duration(n.durationMs), n.metrics ? show(n.metrics) : ""])]));
      return 0;
    }
    const [a, b] = await Promise.all([store.get(args[0]!), store.get(args[1]!)]);
    const d = diffRuns(a, b);
    if (asJson) {
      io.out(json(d));
      return 0;
    }
    io.out(`runs ${a.id} → ${b.id}\n`);
    const sections = d as unknown as Record<string, unknown>;
    for (const [title, rows] of Object.entries(sections)) {
      if (!Array.isArray(rows) || rows.length === 0) continue;
      io.out(`\n${title}\n`);
      const keys = Object.keys(rows[0] as object);
      io.out(table([keys.map((k) => k.toUpperCase()), ...rows.map((r) => keys.map((k) => show((r as Record<string, unknown>)[k])))]));
    }
    return 0;
  },
};
