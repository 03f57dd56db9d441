import { node, type Partitions } from "@pipewright/core";
import { type DayStats, dailyStats, report, summary } from "../datasets.ts";

/** Every day in order, the best day by revenue, and totals. */
export async function buildReport(stats: Partitions<DayStats>) {
  const days: DayStats[] = [];
  // One partition in memory at a time: fine for years of days.
  for await (const [, s] of stats) days.push(s);
  let best: DayStats | null = null;
  for (const d of days) if (!best || d.revenue > best.revenue) best = d;
  const revenue = Math.round(days.reduce((s, d) => s + d.revenue, 0) * 100) / 100;
  return {
    report: { days, best_day: best?.day ?? null },
    summary: { days: days.length, events: days.reduce((s, d) => s + d.events, 0), revenue },
  };
}

/** The fan-in: reruns only when some day's stats changed, or a day came or went. */
export const buildReportNode = node({
  name: "build_report",
  inputs: { stats: dailyStats },
  outputs: { report, summary },
  run: ({ stats }) => buildReport(stats),
});
