import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { StorageBinding } from "@pipewright/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Credentials, DataStore, hashBytes, openStorage } from "../src/index.ts";
import { S3Storage } from "../src/storage/s3.ts";
import { caught, planDataset } from "./helpers.ts";
import { type S3Server, startS3Server } from "./s3-server.ts";

// A real S3-protocol server on 127.0.0.1 with a random port and a temp dir: the SDK,
// signing, HTTP and error mapping are all exercised, nothing is mocked.
let server: S3Server;
let dir: string;
let endpoint: string;
let credentials: Credentials;
let store: DataStore;
const BUCKET = "pw-test";

beforeAll(async () => {
  server = await startS3Server([BUCKET]);
  dir = server.dir;
  endpoint = server.endpoint;
  credentials = {
    local: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER", endpoint, region: "eu-west-1" },
  };
  store = new DataStore({ root: dir, credentials });
});
afterAll(() => server?.stop());

const s3 = (id: string, type: string, key: string, extra: Partial<StorageBinding> = {}) =>
  planDataset(
    id,
    { type, uri: `s3://${BUCKET}/${key}`, credentials: "local", ...extra },
    "producer",
  );

const Rows = z.array(
  z.object({
    id: z.int(),
    name: z.string(),
    score: z.number().nullable(),
    ok: z.boolean(),
    when: z.date(),
  }),
);
const rows = [
  { id: 1, name: "a", score: 0.5, ok: true, when: new Date(0) },
  { id: 2, name: "", score: null, ok: false, when: new Date(1e12) },
];

describe("s3:// through the AWS SDK against s3rver", () => {
  it.each([
    ["csv", Rows, rows],
    ["parquet", Rows, rows],
    [
      "jsonl",
      z.array(z.object({ id: z.int(), tags: z.array(z.string()) })),
      [{ id: 1, tags: ["x"] }],
    ],
    ["json", z.object({ a: z.number(), b: z.string() }), { a: 1, b: "two" }],
    ["text", z.string(), "plain text ✓"],
    ["bytes", z.instanceof(Uint8Array), new Uint8Array([9, 8, 7])],
  ] as const)("round-trips %s", async (type, schema, value) => {
    const d = s3(`ds_${type}`, type, `round/${type}.${type}`);
    const saved = await store.save(d, value, schema);
    const loaded = await store.load(d, schema);
    expect(loaded instanceof Uint8Array ? new Uint8Array(loaded) : loaded).toEqual(value);
    expect(await store.contentHash(d)).toBe(saved.hash);
    expect(saved.hash).toBe(await hashBytes(await store.readBytes(d)));
  });

  it("hashes objects written by other tools (no recorded hash) by streaming them", async () => {
    const client = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    const body = new TextEncoder().encode("uploaded elsewhere");
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "external.txt", Body: body }));
    expect(await store.contentHash(s3("ext", "text", "external.txt"))).toBe(await hashBytes(body));
    client.destroy();
  });

  it("exists, list and remove", async () => {
    const s = openStorage(`s3://${BUCKET}/x`, { root: dir, credentials, credentialsName: "local" });
    await s.write(`s3://${BUCKET}/list/b.txt`, new Uint8Array([1]));
    await s.write(`s3://${BUCKET}/list/a.txt`, new Uint8Array([2]));
    await s.write(`s3://${BUCKET}/listing.txt`, new Uint8Array([3]));
    expect(await s.list(`s3://${BUCKET}/list/`)).toEqual([
      `s3://${BUCKET}/list/a.txt`,
      `s3://${BUCKET}/list/b.txt`,
    ]);
    expect(await s.list(`s3://${BUCKET}/list`)).toHaveLength(3);
    expect(await s.exists(`s3://${BUCKET}/list/a.txt`)).toBe(true);
    await s.remove(`s3://${BUCKET}/list/a.txt`);
    await s.remove(`s3://${BUCKET}/list/a.txt`);
    expect(await s.exists(`s3://${BUCKET}/list/a.txt`)).toBe(false);
    expect(await s.hash(`s3://${BUCKET}/list/a.txt`)).toBeUndefined();
  });

  it("lists across pages (continuation tokens)", async () => {
    const s = S3Storage.open({ root: dir, credentials, credentialsName: "local" });
    const paged = new S3Storage(s.client, "test", 10);
    const keys = Array.from(
      { length: 25 },
      (_, i) => `s3://${BUCKET}/many/${String(i).padStart(4, "0")}`,
    );
    await Promise.all(keys.map((k) => s.write(k, new Uint8Array())));
    expect(await paged.list(`s3://${BUCKET}/many/`)).toEqual(keys);
  });

  it("a missing object is SOURCE_NOT_FOUND naming dataset and URI", async () => {
    const e = await caught(() =>
      store.load(s3("absent", "csv", "nope/absent.csv"), Rows, { node: "n" }),
    );
    expect(e.code).toBe("SOURCE_NOT_FOUND");
    expect(e.message).toContain(
      `node "n", dataset "absent" (s3://${BUCKET}/nope/absent.csv): nothing is stored at s3://${BUCKET}/nope/absent.csv. It is written by node "producer"`,
    );
    expect(await store.contentHash(s3("absent", "csv", "nope/absent.csv"))).toBeUndefined();
  });

  it("a missing bucket is STORAGE_ERROR", async () => {
    const d = planDataset("nb", {
      type: "text",
      uri: "s3://no-such-bucket/x.txt",
      credentials: "local",
    });
    const e = await caught(() => store.save(d, "x", z.string()));
    expect(e.code).toBe("STORAGE_ERROR");
    expect(e.message).toContain("the bucket does not exist");
  });

  it("missing credentials are MISSING_CREDENTIALS with did-you-mean", async () => {
    const e = await caught(() =>
      store.load(s3("c", "text", "x.txt", { credentials: "locl" }), z.string(), { node: "n" }),
    );
    expect(e.code).toBe("MISSING_CREDENTIALS");
    expect(e.message).toContain('node "n", dataset "c"');
    expect(e.message).toContain(
      'credentials "locl" are not defined (defined: local). Did you mean "local"?',
    );
  });

  it("incomplete or misspelt credentials are MISSING_CREDENTIALS and never print secrets", async () => {
    const half = new DataStore({ root: dir, credentials: { local: { accessKeyId: "AKIA-ONLY" } } });
    const e = await caught(() => half.load(s3("c", "text", "x.txt"), z.string()));
    expect(e.code).toBe("MISSING_CREDENTIALS");
    expect(e.message).toContain('credentials "local" lacks secretAccessKey');
    const typo = new DataStore({
      root: dir,
      credentials: { local: { accessKeyId: "k", secretAccesKey: "TOPSECRET" } },
    });
    const f = await caught(() => typo.load(s3("c", "text", "x.txt"), z.string()));
    expect(f.message).toContain('unknown key "secretAccesKey" (did you mean "secretAccessKey"?)');
    expect(f.message).not.toContain("TOPSECRET");
  });

  it("wrong keys are an access error that names the credentials, not the secret", async () => {
    const wrong = new DataStore({
      root: dir,
      credentials: {
        local: { ...credentials.local!, accessKeyId: "WRONG", secretAccessKey: "TOPSECRET" },
      },
    });
    const e = await caught(() => wrong.save(s3("w", "text", "w.txt"), "x", z.string()));
    expect(e.code).toBe("STORAGE_ERROR");
    expect(e.message).toContain('access denied (InvalidAccessKeyId); check credentials "local"');
    expect(e.message).not.toContain("TOPSECRET");
  });

  it("without a credentials name, uses the standard AWS environment variables", async () => {
    const env = {
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: "us-east-1",
    };
    const envStore = new DataStore({ root: dir, env });
    const d = planDataset("e", { type: "json", uri: `s3://${BUCKET}/env/e.json` });
    await envStore.save(d, { via: "env" }, z.any());
    expect(
      await store.load({ ...d, storage: { ...d.storage, credentials: "local" } }, z.any()),
    ).toEqual({ via: "env" });
  });

  it("an unreachable endpoint is STORAGE_ERROR naming the credentials", async () => {
    const down = new DataStore({
      root: dir,
      credentials: { local: { ...credentials.local!, endpoint: "http://127.0.0.1:9" } },
    });
    const e = await caught(() => down.load(s3("d", "text", "d.txt"), z.string()));
    expect(e.code).toBe("STORAGE_ERROR");
    expect(e.message).toMatch(/cannot be reached.*credentials "local"/);
  });

  it("creates no bucket implicitly", async () => {
    const client = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    await client.send(new CreateBucketCommand({ Bucket: "second-bucket" }));
    const d = planDataset("sb", {
      type: "text",
      uri: "s3://second-bucket/a.txt",
      credentials: "local",
    });
    await store.save(d, "in the second bucket", z.string());
    expect(await store.load(d, z.string())).toBe("in the second bucket");
    client.destroy();
  });
});
