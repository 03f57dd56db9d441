import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { dataset, node, partitioned, pipeline } from "@pipewright/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { random } from "../../../test/support/random.ts";
import {
  StatIndex,
  sameStat,
  signature,
  statClock,
  vouches,
} from "../../io/src/partitions/stat-index.ts";
import { run, tempProject } from "./helpers.ts";

const Item = z.object({ n: z.number() });
const items = partitioned("items", Item);
const doubled = partitioned("doubled", Item);
const report = dataset("report", z.object({ names: z.array(z.string()), total: z.number() }));
const double = node.map({
  name: "double",
  over: { item: items },
  outputs: { doubled },
  run: ({ item }) => ({ doubled: { n: item.n * 2 } }),
});
const sum = node({
  name: "sum",
  inputs: { doubled },
  outputs: { report },
  run: async ({ doubled }) => {
    let total = 0;
    for await (const [, d] of doubled) total += d.n;
    return { report: { names: [...doubled.names], total } };
  },
});
const p = pipeline([double, sum]);
const entries = {
  items: { type: "json", path: "data/items/" },
  doubled: { type: "json", path: "data/doubled/" },
  report: { type: "json", path: "data/report.json" },
};

/** Random choices from a seeded generator, so a failing sequence can be replayed by its seed. */
function rng(seed: number) {
  const next = random(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const realNow = statClock.now;
afterEach(() => {
  statClock.now = realNow;
  vi.restoreAllMocks();
});

/** What a from-scratch run must produce from the files in data/items now. */
function expected(root: string) {
  const dir = join(root, "data/items");
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
  const values = new Map(
    names.map((n) => [
      n,
      (JSON.parse(readFileSync(join(dir, `${n}.json`), "utf8")) as { n: number }).n,
    ]),
  );
  return {
    report: { names, total: [...values.values()].reduce((s, v) => s + 2 * v, 0) },
    doubled: Object.fromEntries(names.map((n) => [n, { n: 2 * values.get(n)! }])),
  };
}

function actual(root: string) {
  const dir = join(root, "data/doubled");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith(".")) : [];
  return {
    report: JSON.parse(readFileSync(join(root, "data/report.json"), "utf8")) as unknown,
    doubled: Object.fromEntries(
      files.sort().map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(dir, f), "utf8"))]),
    ),
  };
}

describe("stat-based partition hashes: cached runs equal from-scratch runs", () => {
  it("holds for random edit sequences (same-size edits, touches, same-second edits, add, remove, rename)", async () => {
    const reads = vi.spyOn(StatIndex.prototype, "read");
    let listed = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const r = rng(seed);
      const root = tempProject();
      const dir = join(root, "data/items");
      mkdirSync(dir, { recursive: true });
      const file = (name: string) => join(dir, `${name}.json`);
      // Two-digit values, so most edits keep the size; a few go to three digits.
      const put = (name: string, n: number) => writeFileSync(file(name), `{"n":${n}}`);
      const names = () => readdirSync(dir).map((f) => f.slice(0, -5));
      let fresh = 0;
      for (let i = 0; i < 4; i++) put(`p${fresh++}`, 10 + r.int(90));
      const log: string[] = [];
      for (let step = 0; step < 8; step++) {
        for (let k = 1 + r.int(3); k > 0; k--) {
          const have = names();
          const op =
            have.length === 0
              ? "add"
              : r.pick([
                  "add",
                  "remove",
                  "rename",
                  "edit",
                  "edit",
                  "resize",
                  "touch",
                  "same-second",
                ]);
          const name = have.length ? r.pick(have) : "";
          log.push(`${op} ${name}`);
          if (op === "add") put(`p${fresh++}`, 10 + r.int(90));
          else if (op === "remove") unlinkSync(file(name));
          else if (op === "rename") renameSync(file(name), file(`p${fresh++}`));
          else if (op === "resize") put(name, 100 + r.int(900));
          else if (op === "touch") {
            const t = new Date(Date.now() - r.int(10_000));
            utimesSync(file(name), t, t);
          } else {
            // Same size, other bytes; "same-second": the mtime put back as it was, as a file
            // system with coarse timestamps (or a tool restoring mtimes) would show it.
            const before = statSync(file(name));
            const old = JSON.parse(readFileSync(file(name), "utf8")) as { n: number };
            put(
              name,
              old.n >= 10 && old.n <= 99 ? 10 + ((old.n - 10 + 1 + r.int(88)) % 90) : old.n + 1,
            );
            if (op === "same-second") utimesSync(file(name), before.atime, before.mtime);
          }
        }
        // Half the runs judge the stats as if they came 3 s later (so they vouch), half at
        // the real time (racily clean: every recent file is hashed again).
        const later = r.next() < 0.5 ? 3000 : 0;
        statClock.now = () => realNow() + later;
        const res = await run(p, root, { entries });
        expect(res.record.status, `seed ${seed}: ${log.join("; ")}`).toBe("succeeded");
        expect(actual(root), `seed ${seed}: ${log.join("; ")}`).toEqual(expected(root));
        listed += names().length;
        // Let the file system's clock (a few ms a tick) move past the stats just taken
        // before the next edit, as the 3 s the clock was moved would have.
        await sleep(12);
      }
    }
    // The shortcut was taken: fewer reads of the inputs than input partitions looked at.
    const inputReads = reads.mock.contexts.filter((c) =>
      (c as StatIndex).dir.endsWith("/data/items/"),
    );
    expect(inputReads.length).toBeLessThan(listed * 0.8);
  });
});

describe("the racy-clean rule", () => {
  const stat = (mtimeMs: number, ctimeMs = mtimeMs) =>
    ({
      mtimeNs: BigInt(mtimeMs) * 1_000_000n,
      ctimeNs: BigInt(ctimeMs) * 1_000_000n,
    }) as import("node:fs").BigIntStats;

  it("a stat vouches only for a file changed at least 2 s before it was taken", () => {
    expect(vouches(stat(10_000), 12_000)).toBe(true);
    expect(vouches(stat(10_000), 11_999)).toBe(false);
    expect(vouches(stat(10_000), 10_000)).toBe(false);
    // ctime counts too: a file whose mtime was set back is as new as its last change.
    expect(vouches(stat(1_000, 10_500), 12_000)).toBe(false);
  });

  it("a file edited right after its stat was taken is read again, not trusted", async () => {
    const root = tempProject();
    mkdirSync(join(root, "data/items"), { recursive: true });
    const f = join(root, "data/items/a.json");
    writeFileSync(f, `{"n":11}`);
    // Stat taken "now": the file is racily clean, so nothing is remembered for it.
    expect((await run(p, root, { entries })).record.status).toBe("succeeded");
    const before = statSync(f);
    writeFileSync(f, `{"n":12}`);
    utimesSync(f, before.atime, before.mtime);
    await run(p, root, { entries });
    expect(actual(root)).toEqual(expected(root));
  });
});

describe("the stat index's log", () => {
  /** A folder of `n` files old enough for their stats to vouch, and its stat index. */
  function folder(n: number) {
    const root = tempProject();
    const dir = join(root, "data/items/");
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `p${i}.json`), `{"n":${i}}`);
    statClock.now = () => realNow() + 3000;
    const state = join(root, ".pipewright/partition-stats");
    return { dir, state, open: () => StatIndex.open(state, dir, ".json") };
  }
  const logs = (state: string) => readdirSync(state).filter((f) => f.endsWith(".log"));

  it("a few new stats are appended, not rewritten; a torn or corrupt line is skipped", async () => {
    const { dir, state, open } = folder(40);
    const first = open();
    for (let i = 0; i < 40; i++) await first.read(`p${i}`);
    first.save();
    expect(logs(state)).toEqual([]);
    const file = join(state, readdirSync(state)[0]!);
    const before = readFileSync(file);
    writeFileSync(join(dir, "new1.json"), "{}");
    writeFileSync(join(dir, "new2.json"), "[]");
    const second = open();
    expect(second.lookup("p3")).toBeDefined();
    await second.read("new1");
    await second.read("new2");
    second.save();
    expect(readFileSync(file)).toEqual(before);
    expect(logs(state)).toHaveLength(1);
    const third = open();
    expect(third.lookup("new1")).toBeDefined();
    expect(third.lookup("new2")).toBeDefined();
    // A torn last line (a kill mid-append) and a flipped character: both lines skipped.
    const log = join(state, logs(state)[0]!);
    const text = readFileSync(log, "utf8");
    writeFileSync(log, text.slice(0, -3));
    expect(open().lookup("new1")).toBeDefined();
    expect(open().lookup("new2")).toBeUndefined();
    writeFileSync(log, text.replace("new1", "new3"));
    expect(open().lookup("new1")).toBeUndefined();
    expect(open().lookup("new3")).toBeUndefined();
    expect(open().lookup("new2")).toBeDefined();
  });

  it("random edits, forgets, cut logs and rewrites: a lookup is the file's hash or nothing", async () => {
    const { dir, state, open } = folder(30);
    const r = rng(21);
    const truth = () => {
      const m = new Map<string, string>();
      for (const f of readdirSync(dir)) m.set(f.slice(0, -5), readFileSync(join(dir, f), "utf8"));
      return m;
    };
    const { hashBytes } = await import("@pipewright/io");
    for (let round = 0; round < 40; round++) {
      const index = open();
      const files = [...truth().keys()];
      for (let k = 0; k < 1 + r.int(4); k++) {
        const op = r.pick(["add", "edit", "remove"]);
        const name = r.pick(files);
        if (op === "add") writeFileSync(join(dir, `q${round}-${k}.json`), `{"q":${r.int(1000)}}`);
        else if (op === "edit" && existsSync(join(dir, `${name}.json`)))
          writeFileSync(join(dir, `${name}.json`), `{"e":${r.int(1000)}}`);
        else if (op === "remove" && existsSync(join(dir, `${name}.json`)))
          unlinkSync(join(dir, `${name}.json`));
      }
      const now = truth();
      for (const name of now.keys()) if (index.lookup(name) === undefined) await index.read(name);
      index.keepOnly(new Set(now.keys()));
      index.save();
      if (r.next() < 0.3 && logs(state).length > 0) {
        const log = join(state, logs(state)[0]!);
        const bytes = readFileSync(log);
        writeFileSync(log, bytes.subarray(0, r.int(bytes.length + 1)));
      }
      const after = open();
      for (const [name, text] of now) {
        const h = after.lookup(name);
        if (h !== undefined) expect(h).toBe(await hashBytes(new TextEncoder().encode(text)));
      }
      // Let the file system's clock move past the stats before the next edit.
      await sleep(12);
    }
  });
});

describe("a stat compared in numbers", () => {
  it("matches its remembered nanosecond signature exactly when the file is unchanged", async () => {
    const root = tempProject();
    const f = join(root, "a.json");
    for (let i = 0; i < 50; i++) {
      writeFileSync(f, `{"n":${i}}`);
      if (i % 2) utimesSync(f, new Date(1_000_000 + i * 1.5), new Date(1_700_000_000_123 + i));
      const rec = `${signature(statSync(f, { bigint: true }))}\thash`;
      expect(sameStat(rec, statSync(f))).toBe(true);
      // Any other size, time or inode: no match.
      const [size, m, c, ino] = rec.split("\t")[0]!.split(":");
      const other = (parts: string[]) => `${parts.join(":")}\thash`;
      expect(sameStat(other([`${Number(size) + 1}`, m!, c!, ino!]), statSync(f))).toBe(false);
      expect(sameStat(other([size!, `${BigInt(m!) + 1_000_000n}`, c!, ino!]), statSync(f))).toBe(
        false,
      );
      expect(sameStat(other([size!, m!, `${BigInt(c!) + 1_000_000n}`, ino!]), statSync(f))).toBe(
        false,
      );
      expect(sameStat(other([size!, m!, c!, `${BigInt(ino!) + 1n}`]), statSync(f))).toBe(false);
      expect(sameStat("garbage", statSync(f))).toBe(false);
    }
  });
});
