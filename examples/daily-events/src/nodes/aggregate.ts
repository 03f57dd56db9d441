import { node } from "@pipewright/core";
import { cleanEvents, type DayStats, dailyStats, type Event } from "../datasets.ts";

/** The day's counts, revenue and conversion. */
export function statsOf(day: string, events: readonly Event[]): DayStats {
  const users = new Set(events.map((e) => e.user));
  const purchases = events.filter((e) => e.type === "purchase");
  const revenue = Math.round(purchases.reduce((s, e) => s + (e.amount ?? 0), 0) * 100) / 100;
  return {
    day,
    events: events.length,
    users: users.size,
    purchases: purchases.length,
    revenue,
    conversion: users.size === 0 ? 0 : Math.round((purchases.length / users.size) * 1e4) / 1e4,
  };
}

/** Runs once per cleaned day; the partition name is the day. */
export const aggregate = node.map({
  name: "aggregate_day",
  over: { events: cleanEvents },
  outputs: { stats: dailyStats },
  run: ({ events }, { partition }) => ({ stats: statsOf(partition, events) }),
});
