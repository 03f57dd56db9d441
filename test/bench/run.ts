// `pnpm bench`: runs every benchmark module in this folder (each exports `bench()`), prints
// its table and writes them all to docs/benchmarks.md. Figures are comparable only within
// one run on one machine; targets are from the issues, peers' figures from the same machine.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchSection, ScoreRow } from "./types.ts";

const here = import.meta.dirname;
const only = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "types.ts"].includes(f))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

/** The issues' own tables, each row with its verdict, before the sections they come from. */
function scoreboard(rows: ScoreRow[]): string {
  const lines: string[] = [];
  for (const issue of [...new Set(rows.map((r) => r.issue))].sort()) {
    lines.push(
      `## Issue ${issue}: its table of figures`,
      "",
      "| figure | peer | pipewright | target | verdict |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const r of rows.filter((x) => x.issue === issue).sort((a, b) => a.order - b.order)) {
      const verdict = r.met ? "met" : `**missed**: ${r.bound ?? "see the section below"}`;
      lines.push(`| ${r.figure} | ${r.peer ?? ""} | ${r.result} | ${r.target} | ${verdict} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function table(s: BenchSection): string {
  const lines = [
    `## ${s.title}`,
    "",
    "| measure | result | target | peer |",
    "| --- | --- | --- | --- |",
  ];
  for (const r of s.rows)
    lines.push(`| ${r.name} | ${r.value} | ${r.target ?? ""} | ${r.peer ?? ""} |`);
  if (s.notes?.length) lines.push("", ...s.notes.map((n) => `- ${n}`));
  return lines.join("\n");
}

/** One benchmark module, run in this process: its sections as JSON in `out`. */
async function runOne(file: string, out: string): Promise<void> {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as {
    bench: () => Promise<BenchSection | BenchSection[]>;
  };
  const result = await mod.bench();
  writeFileSync(out, JSON.stringify(Array.isArray(result) ? result : [result]));
}

if (process.argv[2] === "--one") {
  await runOne(process.argv[3]!, process.argv[4]!);
  process.exit(0);
}

// Each module runs in a fresh process: one module's heap (a 100k-node plan, 10,000
// partitions) must not slow the next one's garbage collection.
const sections: string[] = [];
const scores: ScoreRow[] = [];
let failed = false;
const scratch = mkdtempSync(join(tmpdir(), "pw-bench-"));
for (const file of modules) {
  process.stderr.write(`bench ${file} ...\n`);
  const out = join(scratch, `${file}.json`);
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, import.meta.filename, "--one", file, out],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (child.status !== 0 || !existsSync(out)) {
    failed = true;
    process.stderr.write(`bench ${file} failed (exit ${child.status})\n`);
    sections.push(`## ${file}\n\nfailed: exit ${child.status}`);
    continue;
  }
  for (const s of JSON.parse(readFileSync(out, "utf8")) as BenchSection[]) {
    scores.push(...(s.scoreboard ?? []));
    const text = table(s);
    process.stdout.write(`${text}\n\n`);
    sections.push(text);
  }
}
rmSync(scratch, { recursive: true, force: true });
const header = [
  "# Benchmarks",
  "",
  "Written by `pnpm bench` (test/bench/run.ts). Compare figures as ratios within one run; they are",
  "not asserted in tests. Each section's module runs in a fresh process. The issues' own tables come",
  "first; their verdicts are computed from the figures of this run.",
  "",
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
  "",
].join("\n");
process.stdout.write(scoreboard(scores));
if (only.length === 0)
  writeFileSync(
    join(here, "..", "..", "docs", "benchmarks.md"),
    `${header}\n${scoreboard(scores)}\n${sections.join("\n\n")}\n`,
  );
process.exitCode = failed ? 1 : 0;
