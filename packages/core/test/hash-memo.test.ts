// The hash memo (src/util/hash-memo.ts): a pure function's memo kept in a file, so that a
// cached command of a small project need not load node:crypto. Its answers must be
// node:crypto's for every text, and a file that is not whole must never be believed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { random } from "../../../test/support/random.ts";
import { seededText } from "../../../test/support/random-text.ts";
import {
  memoHash,
  readHashMemo,
  resetHashMemo,
  saveHashMemo,
  useHashMemo,
} from "../src/util/hash-memo.ts";

let dir: string;
let file: string;
beforeEach(() => {
  resetHashMemo();
  dir = mkdtempSync(join(tmpdir(), "pw-hash-memo-"));
  file = join(dir, "hashes.json");
});
afterEach(() => {
  resetHashMemo();
  rmSync(dir, { recursive: true, force: true });
});

const UNITS = ["a", "Z", "\0", "\n", '"', "é", "𝄞", "\uD800", "\uDC00", "pipewright-key"];
const expected = (algorithm: "sha256" | "sha1", text: string) =>
  createHash(algorithm).update(text, "utf8").digest("hex");

/** A new process's view: the memo forgotten, then read from the file. */
function reopen(): void {
  resetHashMemo();
  useHashMemo(file);
}

describe("the hash memo", () => {
  test("answers node:crypto's hash for 200 random texts under both algorithms, computed, remembered, and read back by a new process that then loads no node:crypto", () => {
    const next = random(91);
    const texts = Array.from({ length: 200 }, (_, i) =>
      i === 0 ? "" : seededText(next, UNITS, i % 50 === 0 ? 3000 : 40),
    );
    useHashMemo(file);
    for (const algorithm of ["sha256", "sha1"] as const)
      for (const t of texts) expect(memoHash(algorithm, t)).toBe(expected(algorithm, t));
    saveHashMemo(file);
    for (let round = 0; round < 2; round++) {
      reopen();
      for (const algorithm of ["sha256", "sha1"] as const)
        for (const t of texts) expect(memoHash(algorithm, t)).toBe(expected(algorithm, t));
    }
    // The file holds each (algorithm, text) once, and the answers came from it.
    expect(readHashMemo(file)).toHaveLength(2 * new Set(texts).size);
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "support", "hash-memo-child.ts"), file],
      { encoding: "utf8", input: JSON.stringify(texts) },
    );
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({
      right: true,
      cryptoLoaded: false,
    });
    // Without the file, the same child must load node:crypto (the check can fail).
    rmSync(file);
    const without = spawnSync(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "support", "hash-memo-child.ts"), file],
      { encoding: "utf8", input: JSON.stringify(texts) },
    );
    expect(JSON.parse(without.stdout)).toEqual({ right: true, cryptoLoaded: true });
  });

  test("a file whose digests, count or format changed is not believed: the hashes are computed", () => {
    useHashMemo(file);
    const texts = ["a", "b", "c"];
    for (const t of texts) memoHash("sha256", t);
    saveHashMemo(file);
    const good = readFileSync(file, "utf8");
    expect(readHashMemo(file)).toHaveLength(3);
    const digest = expected("sha256", "a");
    const wrong = `${digest.slice(0, -1)}${digest.endsWith("0") ? "1" : "0"}`;
    for (const bad of [
      good.replace(digest, wrong), // a digest changed
      good.replace(/\n\[.*\]$/, `\n${JSON.stringify([["sha256", "a", digest]])}`), // entries dropped
      good.replace("pipewright-hash-memo 1", "pipewright-hash-memo 2"),
      good.slice(0, -10), // torn
      "",
    ]) {
      writeFileSync(file, bad);
      expect(readHashMemo(file), bad.slice(0, 60)).toEqual([]);
      reopen();
      for (const t of texts) expect(memoHash("sha256", t)).toBe(expected("sha256", t));
    }
  });

  test("writes only when something new was hashed; keeps this process's entries first; a large project keeps none", () => {
    useHashMemo(file);
    memoHash("sha256", "old");
    saveHashMemo(file);
    reopen();
    memoHash("sha256", "old");
    saveHashMemo(file);
    // Nothing new: the file is as it was (not rewritten).
    expect(readHashMemo(file).map(([, t]) => t)).toEqual(["old"]);
    reopen();
    memoHash("sha1", "new");
    saveHashMemo(file);
    expect(readHashMemo(file).map(([a, t]) => `${a}:${t}`)).toEqual(["sha1:new", "sha256:old"]);
    // More texts than a memo keeps: the project is large, the file goes.
    reopen();
    for (let i = 0; i < 600; i++) memoHash("sha256", `text ${i}`);
    saveHashMemo(file);
    expect(existsSync(file)).toBe(false);
    // Or more text than it keeps (256 KiB): 40 texts of 8 KiB, half of them remembered.
    const big = Array.from({ length: 40 }, (_, i) => `${i}`.padEnd(8 * 1024, "x"));
    reopen();
    for (const t of big.slice(0, 20)) memoHash("sha256", t);
    saveHashMemo(file);
    expect(readHashMemo(file)).toHaveLength(20);
    reopen();
    for (const t of big) memoHash("sha256", t);
    saveHashMemo(file);
    expect(existsSync(file)).toBe(false);
  });

  test("without a memo file (a library's compile, the benchmarks) nothing is kept", () => {
    for (let i = 0; i < 10; i++)
      expect(memoHash("sha256", `t${i}`)).toBe(expected("sha256", `t${i}`));
    saveHashMemo(file);
    expect(existsSync(file)).toBe(false);
  });
});
