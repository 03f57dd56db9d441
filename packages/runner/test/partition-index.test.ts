import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { random } from "../../../test/support/random.ts";
import { type CacheBackend, openCacheBackend } from "../src/cache/backend.ts";
import { PartitionIndex } from "../src/cache/partition-index.ts";
import { tempProject } from "./helpers.ts";

const entry = (name: string) => ({ name, outputs: { out: { hash: `h-${name}`, size: 1 } } });

describe("partition index", () => {
  it("two runs saving at once keep each other's new entries", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    const first = await PartitionIndex.open(backend, "n");
    first.use("a", "ka", entry("a"));
    await first.save("s");
    const one = await PartitionIndex.open(backend, "n");
    const two = await PartitionIndex.open(backend, "n");
    one.use("a", "ka");
    one.use("b", "kb", entry("b"));
    two.use("a", "ka");
    two.use("c", "kc", entry("c"));
    await one.save("s");
    await two.save("s");
    const after = await PartitionIndex.open(backend, "n");
    expect(after.get("ka")).toEqual(entry("a"));
    expect(after.get("kb")).toEqual(entry("b"));
    expect(after.get("kc")).toEqual(entry("c"));
  });

  it("a run that changed nothing does not rewrite the index", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    const first = await PartitionIndex.open(backend, "n");
    first.use("a", "ka", entry("a"));
    await first.save("s");
    const write = vi.spyOn(backend, "write");
    const again = await PartitionIndex.open(backend, "n");
    again.use("a", "ka");
    await again.save("s");
    expect(write).not.toHaveBeenCalled();
    const other = await PartitionIndex.open(backend, "n");
    other.use("a", "ka");
    await other.save("s2"); // the node's static key changed: written
    expect(write).toHaveBeenCalledTimes(1);
  });
});

const snapshotOf = (root: string) => join(root, ".pipewright/cache", PartitionIndex.path("n"));
const deltasOf = (root: string) =>
  readdirSync(join(root, ".pipewright/cache/partitions")).filter((f) => f.endsWith(".delta"));
/** 100 partitions at keys k0..k99, saved as one run. */
async function hundred(backend: CacheBackend) {
  const index = await PartitionIndex.open(backend, "n");
  for (let i = 0; i < 100; i++) index.use(`p${i}`, `k${i}`, entry(`p${i}`), `in${i}`);
  await index.save("s", undefined, "prefix");
}

describe("partition index delta", () => {
  it("one new partition appends a record instead of rewriting the snapshot", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    await hundred(backend);
    const before = readFileSync(snapshotOf(root));
    const write = vi.spyOn(backend, "write");
    const index = await PartitionIndex.open(backend, "n");
    for (let i = 0; i < 100; i++) index.use(`p${i}`, `k${i}`, undefined, `in${i}`);
    index.use("p100", "k100", entry("p100"), "in100");
    await index.save("s", undefined, "prefix");
    expect(write).not.toHaveBeenCalled();
    expect(readFileSync(snapshotOf(root))).toEqual(before);
    expect(deltasOf(root)).toHaveLength(1);
    const after = await PartitionIndex.open(backend, "n");
    expect(after.get("k100")).toEqual(entry("p100"));
    expect(after.lastKey("p100")).toBe("k100");
    expect(after.knownKey("p100", "in100", "prefix")).toBe("k100");
  });

  it("a torn tail or a corrupt record is skipped; the records before it hold", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    await hundred(backend);
    for (const name of ["a", "b"]) {
      const index = await PartitionIndex.open(backend, "n");
      for (let i = 0; i < 100; i++) index.use(`p${i}`, `k${i}`, undefined, `in${i}`);
      index.use(name, `k${name}`, entry(name), `in${name}`);
      await index.save("s", undefined, "prefix");
    }
    const file = join(root, ".pipewright/cache/partitions", deltasOf(root)[0]!);
    const bytes = readFileSync(file);
    // Cut the second record in the middle: as a run killed while appending leaves it.
    writeFileSync(file, bytes.subarray(0, bytes.length - 20));
    let after = await PartitionIndex.open(backend, "n");
    expect(after.get("ka")).toEqual(entry("a"));
    expect(after.get("kb")).toBeUndefined();
    // One flipped character inside the first record: its checksum no longer matches.
    const text = bytes.toString();
    const at = text.indexOf('"name":"a"') + 9;
    writeFileSync(file, `${text.slice(0, at)}x${text.slice(at + 1)}`);
    after = await PartitionIndex.open(backend, "n");
    expect(after.get("ka")).toBeUndefined();
    expect(after.get("kb")).toEqual(entry("b"));
  });

  it("a snapshot failing its checksum is a miss; entries from a checksummed index are vouched for", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    await hundred(backend);
    const index = await PartitionIndex.open(backend, "n");
    expect(index.vouches("k1")).toBe(true);
    const text = readFileSync(snapshotOf(root), "utf8");
    const edited = text.replace("E\tk1\tp1\t", "E\tk1\tp2\t");
    expect(edited).not.toBe(text);
    writeFileSync(snapshotOf(root), edited);
    const after = await PartitionIndex.open(backend, "n");
    expect(after.get("k1")).toBeUndefined();
    expect(after.vouches("k1")).toBe(false);
  });

  it("folds the delta into a new snapshot when it grows past a fraction of it", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    await hundred(backend);
    const names = Array.from({ length: 100 }, (_, i) => `p${i}`);
    for (let r = 0; r < 40; r++) {
      const index = await PartitionIndex.open(backend, "n");
      names.push(`x${r}`);
      for (const [i, name] of names.entries())
        index.use(name, `k-${name}`, i >= 100 ? entry(name) : undefined, `in-${name}`);
      if (r === 0) for (let i = 0; i < 100; i++) index.use(`p${i}`, `k${i}`, undefined, `in${i}`);
      await index.save("s", undefined, "prefix");
    }
    expect(deltasOf(root).length).toBeLessThanOrEqual(1);
    const snapshot = statSync(snapshotOf(root)).size;
    const delta = deltasOf(root).reduce(
      (n, f) => n + statSync(join(root, ".pipewright/cache/partitions", f)).size,
      0,
    );
    expect(delta).toBeLessThanOrEqual(snapshot * 0.25);
    const after = await PartitionIndex.open(backend, "n");
    for (let r = 0; r < 40; r++) expect(after.get(`k-x${r}`)).toEqual(entry(`x${r}`));
  });

  it("keeps the whole-file write on a store that cannot append (S3)", async () => {
    const files = new Map<string, Uint8Array>();
    const backend: CacheBackend = {
      location: "s3://bucket/cache",
      read: async (p) => files.get(p),
      write: async (p, d) => {
        files.set(p, typeof d === "string" ? new TextEncoder().encode(d) : d);
      },
      exists: async (p) => files.has(p),
      remove: async (p) => {
        files.delete(p);
      },
    };
    await hundred(backend);
    const write = vi.spyOn(backend, "write");
    const index = await PartitionIndex.open(backend, "n");
    for (let i = 0; i < 100; i++) index.use(`p${i}`, `k${i}`, undefined, `in${i}`);
    index.use("p100", "k100", entry("p100"), "in100");
    await index.save("s", undefined, "prefix");
    expect(write).toHaveBeenCalledTimes(1);
    expect([...files.keys()]).toEqual([PartitionIndex.path("n")]);
    expect((await PartitionIndex.open(backend, "n")).get("k100")).toEqual(entry("p100"));
  });

  it("the key memo answers only for the same prefix and input", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    await hundred(backend);
    const index = await PartitionIndex.open(backend, "n");
    expect(index.knownKey("p1", "in1", "prefix")).toBe("k1");
    expect(index.knownKey("p1", "other", "prefix")).toBeUndefined();
    expect(index.knownKey("p1", "in1", "other")).toBeUndefined();
    // A concurrent run under another prefix appends its pointers: the memo is dropped for
    // every name, not mixed (its keys were made from another prefix).
    const one = await PartitionIndex.open(backend, "n");
    for (let i = 0; i < 100; i++) one.use(`p${i}`, `k${i}`, undefined, `in${i}`);
    one.use("p0", "k0-b", entry("p0"), "in0");
    const two = await PartitionIndex.open(backend, "n");
    for (let i = 0; i < 100; i++) two.use(`p${i}`, `k${i}-other`, entry(`p${i}`), `in${i}`);
    await one.save("s", undefined, "prefix");
    await two.save("s", undefined, "prefix2");
    const after = await PartitionIndex.open(backend, "n");
    for (let i = 0; i < 100; i++) {
      const k = after.knownKey(`p${i}`, `in${i}`, "prefix");
      expect(k).toBeUndefined();
    }
    expect(after.knownKey("p5", "in5", "prefix2")).toBe("k5-other");
  });

  it("random runs, concurrent saves and torn appends: every key maps to its own entry", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    const rand = random(7);
    const of = (key: string) => ({
      name: key.split("@")[0]!,
      outputs: { out: { hash: `h-${key}`, size: 1 } },
    });
    for (let round = 0; round < 60; round++) {
      const runs = 1 + Math.floor(rand() * 2);
      const open = [];
      for (let r = 0; r < runs; r++) open.push(await PartitionIndex.open(backend, "n"));
      const sets = [];
      for (const index of open) {
        const names = Array.from({ length: 20 + Math.floor(rand() * 20) }, (_, i) => `p${i}`);
        const version = Math.floor(rand() * 3);
        const prefix = `pre${Math.floor(rand() * 2)}`;
        for (const name of names) {
          const key = `${name}@${version}@${prefix}`;
          index.use(name, key, index.get(key) ? undefined : of(key), `in${version}`);
        }
        sets.push({ index, prefix, version, names });
      }
      for (const { index, prefix } of sets) await index.save("s", undefined, prefix);
      if (rand() < 0.3) {
        // A run killed while appending: the delta ends in part of a record.
        const deltas = deltasOf(root);
        if (deltas.length > 0) {
          const f = join(root, ".pipewright/cache/partitions", deltas[0]!);
          appendFileSync(f, '9f2c {"gen":"x","entr');
        }
      }
      const now = await PartitionIndex.open(backend, "n");
      const last = sets.at(-1)!;
      for (const name of last.names) {
        const key = `${name}@${last.version}@${last.prefix}`;
        const e = now.get(key);
        if (e) expect(e).toEqual(of(key));
        const memo = now.knownKey(name, `in${last.version}`, last.prefix);
        if (memo !== undefined) expect(memo).toBe(key);
      }
      if (runs === 1)
        for (const name of last.names)
          expect(now.get(`${name}@${last.version}@${last.prefix}`)).toBeDefined();
    }
  });
});
