import { dataset, metrics, param, partitioned } from "@pipewright/core";
import { z } from "zod";

export const Event = z.object({
  id: z.string(),
  ts: z.iso.datetime(),
  user: z.string(),
  type: z.enum(["view", "click", "purchase"]),
  amount: z.number().nullable(),
});
export type Event = z.infer<typeof Event>;

export const DayStats = z.object({
  day: z.string(),
  events: z.number().int(),
  users: z.number().int(),
  purchases: z.number().int(),
  revenue: z.number(),
  /** Purchases per distinct user. */
  conversion: z.number(),
});
export type DayStats = z.infer<typeof DayStats>;

/** The raw logs: one partition per day (`data/01_raw/events/2024-03-01.jsonl`). */
export const rawEvents = partitioned("raw_events", z.array(Event));
/** The same days, deduplicated and without bot or test rows. */
export const cleanEvents = partitioned("clean_events", z.array(Event));
/** One small record per day. */
export const dailyStats = partitioned("daily_stats", DayStats);

export const report = dataset(
  "report",
  z.object({ days: z.array(DayStats), best_day: z.string().nullable() }),
);
export const summary = metrics(
  "summary",
  z.object({ days: z.number(), events: z.number(), revenue: z.number() }),
);

export const maxAmount = param("cleaning.max_amount", z.number().positive());
