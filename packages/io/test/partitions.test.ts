import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { random } from "../../../test/support/random.ts";
import { seededText } from "../../../test/support/random-text.ts";
import { hashBytes } from "../src/hash.ts";
import {
  type Credentials,
  collectionHash,
  DataStore,
  PartitionedStore,
  partitionNameProblem,
} from "../src/index.ts";
import { caught, planDataset, tempProject } from "./helpers.ts";
import { type S3Server, startS3Server } from "./s3-server.ts";

const Event = z.array(z.object({ user: z.string(), amount: z.number() }));

describe("collectionHash", () => {
  /** Its definition: the hash of the UTF-8 of this text (what every stored key was made with). */
  const reference = (m: ReadonlyMap<string, string>) => {
    let text = `partitions\0${m.size}`;
    for (const n of [...m.keys()].sort()) text += `\0${n}\0${m.get(n)}`;
    return hashBytes(new TextEncoder().encode(text));
  };

  it("is the hash of its defining text, for 300 random collections in any order", async () => {
    const units = ["a", "Z", "0", "-", "=", ".", "é", "日", "\0", "😀", "\ud800", "\udfff"];
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const text = (max: number) => seededText(next, units, max);
      const m = new Map<string, string>();
      for (let i = Math.floor(next() * 20); i > 0; i--) m.set(text(12), text(40));
      expect(await collectionHash(m), `seed ${seed}`).toBe(await reference(m));
      const shuffled = new Map([...m].sort(() => next() - 0.5));
      expect(await collectionHash(shuffled), `seed ${seed}`).toBe(await reference(m));
    }
  });
});

describe("partition names", () => {
  it("accepts dates, Hive-style keys and plain words", () => {
    for (const ok of ["2024-01-01", "date=2024-01-01", "eu_west.1", "A+B", "x".repeat(200)])
      expect(partitionNameProblem(ok), ok).toBeUndefined();
  });

  it("refuses every name that is not one safe file name", () => {
    for (const bad of [
      "",
      ".",
      "..",
      "../etc/passwd",
      "a/b",
      "a\\b",
      ".hidden",
      "-flag",
      "a b",
      "tab\t",
      "nul\0",
      "trailing.",
      "a..b",
      "é",
      "x".repeat(201),
    ])
      expect(partitionNameProblem(bad), JSON.stringify(bad)).toBeDefined();
  });
});

describe("PartitionedStore on local files", () => {
  let project: Awaited<ReturnType<typeof tempProject>>;
  let parts: PartitionedStore;
  const ds = planDataset("events", { type: "jsonl", uri: "data/events" });

  beforeAll(async () => {
    project = await tempProject();
    parts = new PartitionedStore(new DataStore({ root: project.root }));
  });
  afterAll(() => project.remove());

  it("writes each partition as one file and lists them by name, sorted", async () => {
    await parts.save(ds, "2024-01-02", [{ user: "b", amount: 2 }], Event, { node: "n" });
    await parts.save(ds, "2024-01-01", [{ user: "a", amount: 1 }], Event);
    await project.file("data/events/README.md", "not a partition");
    await project.file("data/events/_SUCCESS.jsonl", "");
    await project.file("data/events/nested/2024-01-09.jsonl", "{}");
    expect(await parts.names(ds)).toEqual(["2024-01-01", "2024-01-02"]);
    expect(await parts.load(ds, "2024-01-02", Event)).toEqual([{ user: "b", amount: 2 }]);
    // Atomic writes leave no temp files behind.
    const files = await readdir(join(project.root, "data/events"));
    expect(files.filter((f) => f.startsWith(".pw-tmp"))).toEqual([]);
  });

  it("an absent folder holds no partitions", async () => {
    expect(await parts.names(planDataset("none", { type: "csv", uri: "data/none/" }))).toEqual([]);
  });

  it("a hash per partition; the collection hash changes when one is added, changed or removed", async () => {
    const before = await parts.hashes(ds);
    expect([...before.keys()]).toEqual(["2024-01-01", "2024-01-02"]);
    const h0 = await collectionHash(before);
    expect(await collectionHash(new Map([...before].reverse()))).toBe(h0);
    await parts.save(ds, "2024-01-03", [], Event);
    const h1 = await collectionHash(await parts.hashes(ds));
    await parts.save(ds, "2024-01-03", [{ user: "c", amount: 3 }], Event);
    const h2 = await collectionHash(await parts.hashes(ds));
    await parts.remove(ds, "2024-01-03");
    const h3 = await collectionHash(await parts.hashes(ds));
    expect(new Set([h0, h1, h2]).size).toBe(3);
    expect(h3).toBe(h0);
  });

  it("refuses to write an unsafe partition name", async () => {
    const e = await caught(() => parts.save(ds, "../escape", [], Event));
    expect(e.code).toBe("INVALID_NAME");
    expect(e.message).toMatch(/partition name "..\/escape" must start with a letter or digit/);
  });

  it("a stored file whose name is not a safe partition name is an error naming it", async () => {
    const odd = planDataset("odd", { type: "jsonl", uri: "data/odd/" });
    await project.file("data/odd/good.jsonl", "");
    await project.file("data/odd/bad name.jsonl", "");
    const e = await caught(() => parts.names(odd, { node: "clean" }));
    expect(e.code).toBe("INVALID_NAME");
    expect(e.message).toMatch(/file "bad name.jsonl" is not a valid partition/);
  });

  it("a partition failing its schema names the partition, line, row and field", async () => {
    await project.file(
      "data/events/2024-01-05.jsonl",
      '{"user":"a","amount":1}\n{"user":"b","amount":"two"}\n',
    );
    const e = await caught(() => parts.load(ds, "2024-01-05", Event, { node: "clean" }));
    expect(e.code).toBe("DATA_VALIDATION");
    expect(e.partition).toBe("2024-01-05");
    expect(e.row).toBe(1);
    expect(e.message).toMatch(
      /node "clean", dataset "events" partition "2024-01-05" \(data\/events\/2024-01-05.jsonl line 2\), row 1, field "amount"/,
    );
  });

  it("a suffix other than the format's comes from filename_suffix", async () => {
    const csv = planDataset("t", {
      type: "text",
      uri: "data/t/",
      options: { filename_suffix: ".log" },
    });
    await parts.save(csv, "a", "hello", z.string());
    expect(await parts.names(csv)).toEqual(["a"]);
    expect(parts.uri(csv, "a")).toBe("data/t/a.log");
  });
});

describe("PartitionedStore on S3", () => {
  let server: S3Server;
  let parts: PartitionedStore;
  const ds = planDataset("events", {
    type: "json",
    uri: "s3://pw-parts/lake/events/",
    credentials: "local",
  });

  beforeAll(async () => {
    server = await startS3Server(["pw-parts"]);
    const credentials: Credentials = {
      local: {
        accessKeyId: "S3RVER",
        secretAccessKey: "S3RVER",
        endpoint: server.endpoint,
        region: "eu-west-1",
      },
    };
    parts = new PartitionedStore(new DataStore({ root: server.dir, credentials }));
  });
  afterAll(() => server?.stop());

  it("lists, reads, replaces and removes partitions under a prefix", async () => {
    await parts.save(ds, "eu", [{ user: "a", amount: 1 }], Event);
    await parts.save(ds, "us", [{ user: "b", amount: 2 }], Event);
    expect(await parts.names(ds)).toEqual(["eu", "us"]);
    await parts.save(ds, "us", [{ user: "c", amount: 3 }], Event);
    expect(await parts.load(ds, "us", Event)).toEqual([{ user: "c", amount: 3 }]);
    await parts.remove(ds, "eu");
    expect(await parts.names(ds)).toEqual(["us"]);
  });
});
