import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { random } from "../../../test/support/random.ts";
import { openCacheBackend } from "../src/cache/backend.ts";
import { frame, unframe } from "../src/cache/partition-delta.ts";
import { PartitionIndex } from "../src/cache/partition-index.ts";
import {
  decodeEntry,
  decodeSnapshot,
  encodeEntry,
  encodeSnapshot,
  type IndexView,
  inlineHashes,
  inlineOutput,
  type PartitionEntry,
} from "../src/cache/partition-snapshot.ts";
import { tempProject } from "./helpers.ts";

/** Strings a snapshot line must survive: separators, quotes, escapes, lone surrogates. */
const HOSTILE = [
  "",
  "-",
  '"',
  '"quoted"',
  "\\",
  "a\tb",
  "a\nb",
  "\r\n",
  "\ud800",
  "x\udfffy",
  "😀",
  "__proto__",
  "constructor",
  "P\tfake\tline",
  "E\t",
  '{"v":1}',
  " ",
  "é",
];

function text(rand: () => number): string {
  if (rand() < 0.4) return HOSTILE[Math.floor(rand() * HOSTILE.length)]!;
  let s = "";
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) {
    const r = rand();
    s +=
      r < 0.7
        ? String.fromCharCode(97 + Math.floor(rand() * 26))
        : r < 0.9
          ? '\t\n"\\-_ .'[Math.floor(rand() * 9)]!
          : String.fromCharCode(Math.floor(rand() * 0xffff));
  }
  return s;
}

function entry(rand: () => number): PartitionEntry {
  const outputs: PartitionEntry["outputs"] = {};
  const n = Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) {
    const o: { hash: string; size: number; inline?: string } = {
      hash: text(rand),
      size: Math.floor(rand() * 1000),
    };
    if (rand() < 0.7) o.inline = text(rand);
    Object.defineProperty(outputs, text(rand), { value: o, enumerable: true, writable: true });
  }
  const e: PartitionEntry = { name: text(rand), outputs };
  if (rand() < 0.3) e.metrics = { [text(rand)]: text(rand), n: rand() };
  return e;
}

/** A random index view (entries decoded), with hostile names, keys and fields. */
function view(rand: () => number): IndexView {
  const v: IndexView = {
    node: text(rand),
    static: text(rand),
    gen: "0123456789abcdef",
    entries: new Map(),
    last: new Map(),
    inputs: new Map(),
  };
  if (rand() < 0.7) v.memoPrefix = text(rand);
  const n = Math.floor(rand() * 30);
  for (let i = 0; i < n; i++) {
    const key = `${text(rand)}#${i}`;
    v.entries.set(key, entry(rand));
    if (rand() < 0.8) {
      const name = `${text(rand)}@${i}`;
      v.last.set(name, key);
      if (v.memoPrefix !== undefined && rand() < 0.8) v.inputs.set(name, `${text(rand)}!`);
    }
  }
  return v;
}

/** The view with every entry decoded, for comparison. */
function decoded(v: IndexView) {
  const entries = [...v.entries].map(([k, e]) => [k, typeof e === "string" ? decodeEntry(e) : e]);
  return { ...v, entries, last: [...v.last], inputs: [...v.inputs] };
}

describe("partition index snapshot (format 2)", () => {
  it("every hostile entry round-trips", () => {
    const rand = random(11);
    for (let i = 0; i < 2000; i++) {
      const e = entry(rand);
      const back = decodeEntry(encodeEntry(e));
      expect(back).toEqual(e);
      expect(Object.keys(back!.outputs)).toEqual(Object.keys(e.outputs));
    }
  });

  it("an encoded entry's inline hashes, read in place, are the decoded entry's", () => {
    const rand = random(15);
    for (let i = 0; i < 3000; i++) {
      const e = entry(rand);
      if (rand() < 0.5) delete e.metrics;
      const keys = Object.keys(e.outputs);
      const ids = keys.filter(() => rand() < 0.7);
      if (rand() < 0.2) ids.push(text(rand));
      if (rand() < 0.3) ids.reverse();
      // undefined is the caller's cue to decode (quoted fields): never another answer.
      const got = inlineHashes(encodeEntry(e), ids);
      if (got !== undefined) expect(got).toEqual(inlineHashes(e, ids));
      for (const id of [...keys, text(rand)]) {
        const one = inlineOutput(encodeEntry(e), id);
        if (one !== undefined) expect(one).toEqual(inlineOutput(e, id));
      }
      // Mostly plain entries too, whose fields need no quoting.
      const plain: PartitionEntry = {
        name: `p${i}`,
        outputs: Object.fromEntries(
          keys.map((_, j) => [
            `out${j}`,
            { hash: `h${i}-${j}`, size: j, ...(rand() < 0.8 && { inline: "eyJuIjo0fQ==" }) },
          ]),
        ),
      };
      const plainIds = Object.keys(plain.outputs).filter(() => rand() < 0.8);
      const fast = inlineHashes(encodeEntry(plain), plainIds);
      expect(fast).toEqual(inlineHashes(plain, plainIds));
      for (const id of Object.keys(plain.outputs))
        expect(inlineOutput(encodeEntry(plain), id)).toEqual(inlineOutput(plain, id));
    }
  });

  it("random views round-trip; any cut or flipped byte is a miss, never another index", async () => {
    const rand = random(12);
    for (let round = 0; round < 150; round++) {
      const v = view(rand);
      const bytes = await encodeSnapshot(v);
      const back = await decodeSnapshot(bytes);
      expect(decoded(back!)).toEqual(decoded(v));
      // A format-1 reader sees no intact record: a miss.
      expect(await unframe(bytes)).toEqual([]);
      for (let k = 0; k < 8; k++) {
        const cut = Math.floor(rand() * bytes.byteLength);
        expect(await decodeSnapshot(bytes.subarray(0, cut))).toBeUndefined();
        const flipped = bytes.slice();
        const at = Math.floor(rand() * bytes.byteLength);
        flipped[at] = flipped[at]! ^ (1 + Math.floor(rand() * 255));
        const got = await decodeSnapshot(flipped);
        // A flip inside the checksum digits or the body fails the checksum; a flip of the
        // magic makes it another format. Either way no view but the original.
        if (got !== undefined) expect(decoded(got)).toEqual(decoded(v));
      }
    }
  });

  it("an index saved with hostile names answers as the reference map does", async () => {
    const rand = random(13);
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    const reference = new Map<string, { key: string; input: string; entry: PartitionEntry }>();
    for (let run = 0; run < 12; run++) {
      const index = await PartitionIndex.open(backend, "n");
      const names = new Set<string>();
      for (let i = 0; i < 25; i++) names.add(`${text(rand)}${Math.floor(rand() * 40)}`);
      const now = new Map<string, { key: string; input: string; entry: PartitionEntry }>();
      for (const name of names) {
        const old = reference.get(name);
        if (old && rand() < 0.7) {
          index.use(name, old.key, undefined, old.input);
          now.set(name, old);
        } else {
          const e = { ...entry(rand), name };
          const key = `${name}\t${run}`;
          const input = text(rand);
          index.use(name, key, e, input);
          now.set(name, { key, input, entry: e });
        }
      }
      await index.save("s", undefined, "prefix");
      reference.clear();
      for (const [k, v] of now) reference.set(k, v);
      const after = await PartitionIndex.open(backend, "n");
      expect(new Set(after.lastNames())).toEqual(new Set(reference.keys()));
      for (const [name, r] of reference) {
        expect(after.lastKey(name)).toBe(r.key);
        expect(after.get(r.key)).toEqual(r.entry);
        expect(after.knownKey(name, r.input, "prefix")).toBe(r.key);
        expect(after.knownKey(name, `${r.input}x`, "prefix")).toBeUndefined();
        expect(after.vouches(r.key)).toBe(true);
      }
    }
  });

  it("reads a format-1 snapshot (framed JSON); the next save writes format 2", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    const e = { name: "p1", outputs: { out: { hash: "h1", size: 2, inline: "eHg=" } } };
    const v1 = {
      v: 1,
      node: "n",
      static: "s",
      gen: "0123456789abcdef",
      entries: { k1: e },
      last: { p1: "k1" },
      memo: { prefix: "prefix", inputs: { p1: "in1" } },
    };
    const file = join(root, ".pipewright/cache", PartitionIndex.path("n"));
    await backend.write(PartitionIndex.path("n"), await frame(v1));
    const index = await PartitionIndex.open(backend, "n");
    expect(index.get("k1")).toEqual(e);
    expect(index.knownKey("p1", "in1", "prefix")).toBe("k1");
    expect(index.vouches("k1")).toBe(true);
    index.use("p1", "k1", undefined, "in1");
    index.use("p2", "k2", { name: "p2", outputs: {} }, "in2");
    await index.save("s2", undefined, "prefix");
    expect(readFileSync(file, "latin1").startsWith("pipewright-partition-index 2 ")).toBe(true);
    const after = await PartitionIndex.open(backend, "n");
    expect(after.get("k1")).toEqual(e);
    expect(after.knownKey("p2", "in2", "prefix")).toBe("k2");
    // A damaged format-2 snapshot is a miss.
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    expect((await PartitionIndex.open(backend, "n")).get("k1")).toBeUndefined();
  });
});

describe("kept partitions (hits at their remembered key)", () => {
  it("an index that keeps what the memo answered equals one that uses every partition", async () => {
    const rand = random(14);
    const keeping = openCacheBackend(".pipewright/cache", tempProject());
    const using = openCacheBackend(".pipewright/cache", tempProject());
    const of = (key: string) => ({ name: key, outputs: { out: { hash: `h-${key}`, size: 1 } } });
    let total = 0;
    for (let run = 0; run < 40; run++) {
      const a = await PartitionIndex.open(keeping, "n");
      const b = await PartitionIndex.open(using, "n");
      const prefix = rand() < 0.85 ? "prefix" : "other";
      const names = new Set<string>();
      for (let i = 0; i < 5 + Math.floor(rand() * 40); i++)
        names.add(`p${Math.floor(rand() * 60)}`);
      let kept = 0;
      for (const name of names) {
        const input = rand() < 0.75 ? "in0" : `in${1 + Math.floor(rand() * 2)}`;
        const key = `${name}/${input}/${prefix}`;
        const entry = a.get(key) ? undefined : of(key);
        if (a.knownKey(name, input, prefix) === key) {
          a.keep(name);
          kept++;
        } else a.use(name, key, entry, input);
        b.use(name, key, b.get(key) ? undefined : of(key), input);
      }
      expect(new Set(a.unusedLastNames())).toEqual(new Set(b.unusedLastNames()));
      await a.save("s", undefined, prefix);
      await b.save("s", undefined, prefix);
      const a2 = await PartitionIndex.open(keeping, "n");
      const b2 = await PartitionIndex.open(using, "n");
      expect(new Set(a2.lastNames())).toEqual(new Set(b2.lastNames()));
      for (const name of b2.lastNames()) {
        const key = b2.lastKey(name)!;
        expect(a2.lastKey(name)).toBe(key);
        expect(a2.get(key)).toEqual(b2.get(key));
        for (const input of ["in0", "in1", "in2"])
          expect(a2.knownKey(name, input, prefix)).toBe(b2.knownKey(name, input, prefix));
      }
      total += kept;
    }
    expect(total).toBeGreaterThan(20); // keep() was exercised
  });
});

describe("entries from unchecksummed sources", () => {
  const inline = (text: string) => Buffer.from(text).toString("base64");

  it("are folded into the checksummed index only when their inline texts hash right", async () => {
    const { hashBytes } = await import("@pipewright/io");
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    const good = {
      name: "a",
      outputs: { out: { hash: await hashBytes(Buffer.from("{}")), size: 2, inline: inline("{}") } },
    };
    const bad = {
      name: "b",
      outputs: { out: { hash: await hashBytes(Buffer.from("[]")), size: 2, inline: inline("{}") } },
    };
    // As engine tasks write them (one file per entry, no checksum).
    await backend.write(PartitionIndex.entryPath("ka"), JSON.stringify(good));
    await backend.write(PartitionIndex.entryPath("kb"), JSON.stringify(bad));
    const index = await PartitionIndex.open(backend, "n");
    expect(await index.lookup("ka")).toEqual(good);
    expect(await index.lookup("kb")).toEqual(bad);
    expect(index.vouches("ka")).toBe(false);
    index.use("a", "ka");
    index.use("b", "kb");
    // What a fan-in's load is told of the text: not vouched for, so it hashes it first.
    expect(index.inlineOf("a", "out")).toEqual({
      hash: good.outputs.out.hash,
      text: inline("{}"),
      vouched: false,
    });
    await index.save("s");
    const after = await PartitionIndex.open(backend, "n");
    expect(after.get("ka")).toEqual(good);
    expect(after.vouches("ka")).toBe(true);
    expect(after.get("kb")).toBeUndefined();
    expect(after.vouches("kb")).toBe(false);

    // A snapshot from before checksums (plain JSON): the same on its next save.
    const plain = {
      v: 1,
      node: "m",
      static: "s",
      entries: { ka: good, kb: bad },
      last: { a: "ka", b: "kb" },
    };
    await backend.write(PartitionIndex.path("m"), JSON.stringify(plain));
    const old = await PartitionIndex.open(backend, "m");
    expect(old.vouches("ka")).toBe(false);
    expect(old.inlineOf("b", "out")?.vouched).toBe(false);
    old.use("a", "ka");
    old.use("b", "kb");
    old.use("c", "kc", { name: "c", outputs: {} });
    await old.save("s");
    const now = await PartitionIndex.open(backend, "m");
    expect(now.inlineOf("a", "out")).toEqual({
      hash: good.outputs.out.hash,
      text: inline("{}"),
      vouched: true,
    });
    expect(now.get("ka")).toEqual(good);
    expect(now.get("kb")).toBeUndefined();
  });
});
