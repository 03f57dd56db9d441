import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashBytes } from "@pipewright/io";
import { describe, expect, test } from "vitest";
import { random } from "../../../test/support/random.ts";
import { openCacheBackend } from "../src/cache/backend.ts";
import type { KeyParts } from "../src/cache/key.ts";
import { CacheLog, frame, Kind, type LogItem, scan } from "../src/cache/log.ts";
import { CacheStore } from "../src/cache/store.ts";
import { tempProject } from "./helpers.ts";

const kinds = [Kind.entry, Kind.parts, Kind.pointer, Kind.blob, Kind.code];

function randomItems(r: () => number): LogItem[] {
  return Array.from({ length: 1 + Math.floor(r() * 4) }, () => ({
    kind: kinds[Math.floor(r() * kinds.length)]!,
    // Ids of any text, data of any bytes (empty included).
    id: String.fromCodePoint(
      ...Array.from({ length: Math.floor(r() * 12) }, () => 32 + Math.floor(r() * 2000)),
    ),
    data: randomBytes(Math.floor(r() * 300)),
  }));
}

function read(buf: Buffer): { items: [number, string, string][]; end: number } {
  const items: [number, string, string][] = [];
  const end = scan(buf, (kind, id, data) => items.push([kind, id, data.toString("hex")]));
  return { items, end };
}

const flat = (frames: LogItem[][]) =>
  frames.flat().map((i) => [i.kind, i.id, Buffer.from(i.data).toString("hex")]);

describe("log framing", () => {
  test("a log cut anywhere yields exactly the items of the frames wholly before the cut", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = random(seed);
      const frames = Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomItems(r));
      const bufs = frames.map((f) => frame(f));
      const log = Buffer.concat(bufs);
      expect(read(log).items, `seed ${seed}`).toEqual(flat(frames));
      const cut = Math.floor(r() * (log.length + 1));
      let whole = 0;
      for (let k = 0, o = 0; k < bufs.length && o + bufs[k]!.length <= cut; o += bufs[k++]!.length)
        whole = k + 1;
      const { items, end } = read(log.subarray(0, cut));
      expect(items, `seed ${seed}, cut ${cut}`).toEqual(flat(frames.slice(0, whole)));
      expect(end).toBe(bufs.slice(0, whole).reduce((a, b) => a + b.length, 0));
    }
  });

  test("a changed byte drops its frame and everything after it, never yields altered items", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = random(seed);
      const frames = Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomItems(r));
      const bufs = frames.map((f) => frame(f));
      const log = Buffer.concat(bufs);
      const at = Math.floor(r() * log.length);
      log[at] = log[at]! ^ (1 + Math.floor(r() * 255));
      let hit = 0;
      for (let o = 0; o + bufs[hit]!.length <= at; o += bufs[hit++]!.length);
      expect(read(log).items, `seed ${seed}, byte ${at}`).toEqual(flat(frames.slice(0, hit)));
    }
  });
});

const item = (kind: number, id: string, data: string): LogItem => ({
  kind,
  id,
  data: Buffer.from(data),
});

describe("CacheLog", () => {
  test("two writers on one folder each append to their own log; a reader sees both", () => {
    const dir = tempProject();
    const a = new CacheLog(dir);
    const b = new CacheLog(dir);
    for (let i = 0; i < 20; i++) {
      (i % 2 ? a : b).append([item(Kind.entry, `k${i}`, `{"i":${i}}`)]);
      (i % 3 ? b : a).append([item(Kind.blob, `h${i}`, `blob ${i}`)]);
    }
    expect(readdirSync(join(dir, "log"))).toHaveLength(2);
    const reader = new CacheLog(dir);
    expect(reader.entries.size).toBe(20);
    expect(reader.blobs.get("h7")?.toString()).toBe("blob 7");
  });

  test("a torn tail is ignored, and the next writer's items still count", () => {
    const dir = tempProject();
    const a = new CacheLog(dir);
    a.append([item(Kind.entry, "k1", "{}")]);
    a.append([item(Kind.entry, "k2", "{}")]);
    const [name] = readdirSync(join(dir, "log"));
    const path = join(dir, "log", name!);
    writeFileSync(path, readFileSync(path).subarray(0, -3));
    const b = new CacheLog(dir);
    expect([...b.entries.keys()]).toEqual(["k1"]);
    b.append([item(Kind.entry, "k3", "{}")]);
    b.close();
    expect([...new CacheLog(dir).entries.keys()].sort()).toEqual(["k1", "k3"]);
  });

  test("compaction keeps every item, later pointers winning, and spares a log still being written", () => {
    const dir = tempProject();
    const live = new CacheLog(dir);
    live.append([item(Kind.pointer, "n", "0".repeat(64))]);
    for (let i = 0; i < 9; i++) {
      const w = new CacheLog(dir);
      w.append([item(Kind.entry, `k${i}`, "{}"), item(Kind.pointer, "n", String(i).repeat(64))]);
      w.close();
    }
    // The 7th close found 8 logs outside the snapshot and compacted them; the sealed ones
    // went, the live writer's stayed. Two writers closed after that.
    expect(readdirSync(dir).sort()).toEqual(["log", "snapshot.log"]);
    const left = readdirSync(join(dir, "log")).sort();
    expect(left).toHaveLength(3);
    expect(readFileSync(join(dir, "log", left[0]!)).includes("0".repeat(64))).toBe(true);
    live.append([item(Kind.entry, "late", "{}")]);
    const reader = new CacheLog(dir);
    expect([...reader.entries.keys()].sort()).toEqual([
      "k0",
      "k1",
      "k2",
      "k3",
      "k4",
      "k5",
      "k6",
      "k7",
      "k8",
      "late",
    ]);
    expect(reader.pointers.get("n")).toBe("8".repeat(64));
    live.close();
    expect(new CacheLog(dir).entries.size).toBe(10);
  });
});

describe("a local store in the older one-file-per-item layout", () => {
  test("is still read: entries, pointers, key parts and blobs; new writes go to the log", async () => {
    const dir = tempProject();
    const files = openCacheBackend(dir, dir);
    // What an earlier version wrote: the same backend, without the log.
    const older = new CacheStore({
      location: files.location,
      read: (p) => files.read(p),
      write: (p, d) => files.write(p, d),
      exists: (p) => files.exists(p),
      remove: (p) => files.remove(p),
    });
    const key = "a".repeat(64);
    const parts = {
      keyFormat: 2,
      static: "s",
      code: { files: {}, packages: {}, location: null },
      params: {},
      inputs: {},
      outputs: {},
    } as unknown as KeyParts;
    const bytes = new TextEncoder().encode("[1,2]");
    const hash = await hashBytes(bytes);
    const entry = {
      v: 1 as const,
      key,
      node: "n",
      createdAt: "",
      outputs: { d: { hash, size: 5 } },
    };
    await older.commit(entry, parts, [{ hash, bytes }]);
    expect(readdirSync(dir).sort()).toEqual(["blobs", "code", "entries", "nodes"]);

    const store = new CacheStore(openCacheBackend(dir, dir));
    expect(store.indexed).toBe(true);
    expect((await store.getEntry(key))?.outputs).toEqual(entry.outputs);
    expect(await store.lastKey("n")).toBe(key);
    expect((await store.lastRun("n"))?.parts.static).toBe("s");
    expect(Buffer.from((await store.getBlob(hash))!)).toEqual(Buffer.from(bytes));
    await store.setLastKey("n", "b".repeat(64));
    store.close();
    expect(await new CacheStore(openCacheBackend(dir, dir)).lastKey("n")).toBe("b".repeat(64));
  });
});
