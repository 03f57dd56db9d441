// A cache log frame's checksum (src/cache/crc32.ts) is zlib's CRC-32 on every input, on
// either path: in JavaScript for a process's first bytes, zlib's own after.
import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, test } from "vitest";
import { random, seededBytes } from "../../../test/support/random.ts";
import { crc32, crc32InScript } from "../src/cache/crc32.ts";

describe("crc32", () => {
  test("the script's sum is zlib's on 2,000 random inputs, empty and long ones among them", () => {
    const next = random(32);
    for (let i = 0; i < 2000; i++) {
      const length = i === 0 ? 0 : Math.floor(next() ** 3 * 5000);
      const bytes = seededBytes(next, length);
      expect(crc32InScript(bytes), `case ${i}`).toBe(zlibCrc32(bytes));
    }
  });

  test("crc32 gives zlib's sum before and after it hands over to zlib", () => {
    const next = random(33);
    // 40 inputs of 2 KiB: the first 16 are summed in script, the rest by zlib.
    for (let i = 0; i < 40; i++) {
      const bytes = seededBytes(next, 2048);
      expect(crc32(bytes.subarray(i % 7)), `case ${i}`).toBe(zlibCrc32(bytes.subarray(i % 7)));
    }
  });
});
