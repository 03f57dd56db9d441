// A run record written in parts (src/records/json-parts.ts, core's writeFileAtomicParts):
// the file is byte for byte JSON.stringify's text, and a failed write leaves nothing.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomicParts } from "@pipewright/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { random } from "../../../test/support/random.ts";
import { seededText } from "../../../test/support/random-text.ts";
import { jsonParts } from "../src/records/json-parts.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-json-parts-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const UNITS = ["a", '"', "\\", "\n", "\0", "é", "𝄞", "\uD800", '"nodes":[', "\u0000parts-"];

/** A seeded random JSON-ish value, with what JSON has no text for (undefined, a function). */
function randomValue(next: () => number, depth = 0): unknown {
  const r = next();
  if (depth < 3 && r < 0.2)
    return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  if (depth < 3 && r < 0.4) {
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 4); i > 0; i--)
      o[seededText(next, UNITS, 4)] = randomValue(next, depth + 1);
    return o;
  }
  const pick = [0, -0, 1.5, 1e21, Number.NaN, true, null, undefined, () => 1, new Date(0)];
  return r < 0.7 ? seededText(next, UNITS, 8) : pick[Math.floor(next() * pick.length)];
}

/** A record-like object: keys before and after the array, and the array's own length. */
function randomRecord(next: () => number, length: number): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 3); i > 0; i--) record[`before${i}`] = randomValue(next);
  record.nodes = Array.from({ length }, () => randomValue(next));
  for (let i = Math.floor(next() * 3); i > 0; i--) record[`after${i}`] = randomValue(next);
  // A nested "nodes" array, which the split must not take for the top-level one.
  if (next() < 0.5) record.params = { nodes: [] };
  return record;
}

describe("jsonParts", () => {
  test("the parts joined are JSON.stringify's text, for arrays shorter and longer than a part", () => {
    const next = random(71);
    for (const length of [0, 1, 999, 1000, 1001, 2000, 2500, 3001]) {
      for (let k = 0; k < 4; k++) {
        const record = randomRecord(next, length);
        const parts = [...jsonParts(record, "nodes")];
        expect(parts.join(""), `length ${length}, case ${k}`).toBe(`${JSON.stringify(record)}\n`);
        // Long arrays are written in parts, none holding the whole array.
        if (length > 1000) expect(parts.length).toBeGreaterThan(3);
      }
    }
  });

  test("writeFileAtomicParts writes the parts' text; a failed write leaves the old file and no temporary one", () => {
    const next = random(72);
    const file = join(dir, "runs", "r.json");
    const record = randomRecord(next, 2500);
    writeFileAtomicParts(file, jsonParts(record, "nodes"));
    expect(readFileSync(file, "utf8")).toBe(`${JSON.stringify(record)}\n`);

    writeFileSync(file, "old");
    function* failing(): Generator<string> {
      yield "{";
      throw new Error("disk full");
    }
    expect(() => writeFileAtomicParts(file, failing())).toThrow("disk full");
    expect(readFileSync(file, "utf8")).toBe("old");
    expect(readdirSync(join(dir, "runs"))).toEqual(["r.json"]);
    expect(existsSync(join(dir, "runs", "r.json"))).toBe(true);
  });
});
