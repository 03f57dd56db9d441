import { node } from "@pipewright/core";
import { cleanEvents, type Event, maxAmount, rawEvents } from "../datasets.ts";

/** Drops duplicate ids, anonymous bots and test purchases (non-positive or above max). */
export function cleanDay(events: readonly Event[], max: number): Event[] {
  const seen = new Set<string>();
  const out: Event[] = [];
  for (const e of events) {
    if (seen.has(e.id) || e.user === "" || e.user.startsWith("bot-")) continue;
    if (e.type === "purchase" && (e.amount === null || e.amount <= 0 || e.amount > max)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.id < b.id ? -1 : 1));
}

/** Runs once per day; a day whose raw file did not change is a cache hit. */
export const clean = node.map({
  name: "clean_events",
  over: { events: rawEvents },
  inputs: { maxAmount },
  outputs: { cleaned: cleanEvents },
  run: ({ events, maxAmount }) => ({ cleaned: cleanDay(events, maxAmount) }),
});
