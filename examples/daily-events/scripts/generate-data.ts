/**
 * Writes seeded event logs, one JSON-lines file per day, to data/01_raw/events/:
 * page views, clicks and purchases of a few dozen users, with the dirt real logs have
 * (duplicated events, bot traffic, test purchases). Each day is drawn from its own seed
 * (derived from the date), so adding a day never changes the others.
 *
 *   npx tsx scripts/generate-data.ts              7 days from 2024-03-01
 *   npx tsx scripts/generate-data.ts --days 30    30 days
 *   npx tsx scripts/generate-data.ts --add-day    the day after the latest one present
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Event } from "../src/datasets.ts";

export const FIRST_DAY = "2024-03-01";
export const EVENTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "data/01_raw/events");

/** mulberry32: a small seeded generator, the same numbers on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A day's seed: its digits, so 2024-03-01 is always drawn the same way. */
const seedOf = (day: string) => Number(day.replaceAll("-", ""));

/** The events of one day as JSON lines, in time order. */
export function generateDay(day: string): string {
  const rand = random(seedOf(day));
  const n = 40 + Math.floor(rand() * 40);
  const events: Event[] = [];
  for (let i = 0; i < n; i++) {
    const second = Math.floor(rand() * 86_400);
    const ts = new Date(Date.parse(`${day}T00:00:00Z`) + second * 1000).toISOString();
    const r = rand();
    const user = r < 0.05 ? `bot-${Math.floor(rand() * 3)}` : `u${Math.floor(rand() * 30)}`;
    const type = r < 0.6 ? "view" : r < 0.9 ? "click" : "purchase";
    // One purchase in ten is a test order: zero, or absurdly large.
    const amount =
      type !== "purchase"
        ? null
        : rand() < 0.1
          ? rand() < 0.5
            ? 0
            : 99_999
          : Math.round((5 + rand() * 195) * 100) / 100;
    const e: Event = { id: `${day}-${String(i).padStart(4, "0")}`, ts, user, type, amount };
    events.push(e);
    // Collectors retry: about 3% of events arrive twice.
    if (rand() < 0.03) events.push({ ...e });
  }
  events.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return `${events.map((e) => JSON.stringify(e)).join("\n")}\n`;
}

/** The date `n` days after `day` (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Writes `count` days from `first` into `dir`; returns their names. */
export function writeDays(dir: string, first: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const days = Array.from({ length: count }, (_, i) => addDays(first, i));
  for (const d of days) writeFileSync(join(dir, `${d}.jsonl`), generateDay(d));
  return days;
}

/** Writes the day after the latest one in `dir` (or the first day); returns it. */
export function addDay(dir: string): string {
  const present = readdirSync(dir, { withFileTypes: true })
    .filter((f) => f.isFile() && /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f.name))
    .map((f) => f.name.slice(0, 10))
    .sort();
  const day = present.length === 0 ? FIRST_DAY : addDays(present.at(-1)!, 1);
  return writeDays(dir, day, 1)[0]!;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.includes("--add-day")) {
    console.error(`wrote ${addDay(EVENTS_DIR)}`);
  } else {
    const i = args.indexOf("--days");
    const count = i === -1 ? 7 : Number(args[i + 1]);
    if (!Number.isInteger(count) || count < 0) throw new Error("--days takes a whole number");
    const days = writeDays(EVENTS_DIR, FIRST_DAY, count);
    console.error(`wrote ${days.length} days: ${days[0]} .. ${days.at(-1)}`);
  }
}
