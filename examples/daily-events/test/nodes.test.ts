import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { partitions } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { addDay, generateDay, writeDays } from "../scripts/generate-data.ts";
import type { Event } from "../src/datasets.ts";
import { statsOf } from "../src/nodes/aggregate.ts";
import { cleanDay } from "../src/nodes/clean.ts";
import { buildReport } from "../src/nodes/report.ts";

const ev = (
  id: string,
  user: string,
  type: Event["type"],
  amount: number | null = null,
): Event => ({
  id,
  ts: `2024-03-01T00:00:0${id.slice(-1)}.000Z`,
  user,
  type,
  amount,
});

describe("the generator", () => {
  it("draws each day from its own seed: the same text every time, whatever else exists", () => {
    expect(generateDay("2024-03-01")).toBe(generateDay("2024-03-01"));
    expect(generateDay("2024-03-01")).not.toBe(generateDay("2024-03-02"));
    const dir = mkdtempSync(join(tmpdir(), "pw-daily-"));
    try {
      writeDays(dir, "2024-03-01", 2);
      expect(addDay(dir)).toBe("2024-03-03");
      expect(readdirSync(dir).sort()).toEqual([
        "2024-03-01.jsonl",
        "2024-03-02.jsonl",
        "2024-03-03.jsonl",
      ]);
      expect(readFileSync(join(dir, "2024-03-01.jsonl"), "utf8")).toBe(generateDay("2024-03-01"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the nodes", () => {
  it("cleaning drops duplicates, bots and test purchases", () => {
    const out = cleanDay(
      [
        ev("e1", "u1", "view"),
        ev("e1", "u1", "view"),
        ev("e2", "bot-1", "click"),
        ev("e3", "u2", "purchase", 0),
        ev("e4", "u2", "purchase", 99_999),
        ev("e5", "u2", "purchase", 12.5),
      ],
      1000,
    );
    expect(out.map((e) => e.id)).toEqual(["e1", "e5"]);
  });

  it("a day's stats, and the report across days", async () => {
    const s = statsOf("2024-03-01", [ev("e1", "u1", "view"), ev("e2", "u2", "purchase", 10)]);
    expect(s).toEqual({
      day: "2024-03-01",
      events: 2,
      users: 2,
      purchases: 1,
      revenue: 10,
      conversion: 0.5,
    });
    const r = await buildReport(
      partitions({ "2024-03-01": s, "2024-03-02": { ...s, day: "2024-03-02", revenue: 30 } }),
    );
    expect(r.report.best_day).toBe("2024-03-02");
    expect(r.summary).toEqual({ days: 2, events: 4, revenue: 40 });
    expect((await buildReport(partitions({}))).report).toEqual({ days: [], best_day: null });
  });
});
