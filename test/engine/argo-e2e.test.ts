// Executes the Argo Workflow that `pipewright compile --target argo` emits, with the test
// harness (argo-sim.ts: an interpreter for tests, not an engine): every task is its own
// process in a fresh, read-only copy of the project, run as a non-root user, with data
// and the cache on an S3-protocol server, credentials from Secrets and a runtime param
// given at submit time. Its outputs must equal a local `pipewright run`, byte for byte.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Credentials, openStorage } from "@pipewright/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3Server, startS3Server } from "../../packages/io/test/s3-server.ts";
import { BIN, cli, makeProject } from "../support/cli.ts";
import { runWorkflow, type WorkflowRun } from "./argo-sim.ts";
import type { Cluster } from "./pod.ts";
import { demoProject } from "./project.ts";

const RAW = "id,value\n1,10\n2,-3\n3,5\n4,7\n";
let server: S3Server;
let laptop: string;
let cluster: Cluster;
let credentials: Credentials;
const root = "/";

const read = (uri: string) =>
  openStorage(uri, { root, credentials, credentialsName: "lake" }).read(uri);
const write = (uri: string, text: string) =>
  openStorage(uri, { root, credentials, credentialsName: "lake" }).write(
    uri,
    new TextEncoder().encode(text),
  );
const list = (prefix: string) =>
  openStorage(prefix, { root, credentials, credentialsName: "lake" }).list(prefix);

/** `pipewright compile --target argo` on the laptop, for `pipeline`. */
function compileArgo(pipeline?: string): string {
  const out = join(laptop, `${pipeline ?? "default"}.argo.yaml`);
  const r = cli(
    ["compile", "--target", "argo", "--out", out, ...(pipeline ? ["--pipeline", pipeline] : [])],
    { cwd: laptop, env: { DATA_ROOT: "s3://pw-engine/cluster" } },
  );
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(out, "utf8");
}

/** What run-node reported for each node in a run, from the pods' stderr. */
function statuses(run: WorkflowRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of run.tasks) {
    for (const m of (t.attempts.at(-1)?.stderr ?? "").matchAll(/^([\w.]+): (ran|cached|failed)/gm))
      out[m[1]!] = m[2]!;
  }
  return out;
}

beforeAll(async () => {
  server = await startS3Server(["pw-engine"]);
  const key = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const entry = { ...key, endpoint: server.endpoint, region: "us-east-1" };
  credentials = { lake: entry, work: entry };
  const files = demoProject(server.endpoint);
  // The image holds the project without conf/credentials.yaml: pods get credentials from Secrets.
  const image = makeProject(files);
  laptop = makeProject({
    ...files,
    "conf/credentials.yaml": `lake: ${JSON.stringify(entry)}\nwork: ${JSON.stringify(entry)}\n`,
  });
  const scratch = makeProject({});
  const bin = join(scratch, "bin");
  mkdirSync(bin);
  // The image's `pipewright` on PATH, as docs/targets/argo.md builds it.
  writeFileSync(join(bin, "pipewright"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
    mode: 0o755,
  });
  cluster = {
    image,
    scratch,
    path: [bin],
    secrets: {
      "cache-s3": {
        AWS_ACCESS_KEY_ID: key.accessKeyId,
        AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      },
      "lake-s3": entry,
      "work-s3": entry,
    },
  };
  await write("s3://pw-engine/local/raw.csv", RAW);
  await write("s3://pw-engine/cluster/raw.csv", RAW);
}, 120_000);
afterAll(() => server?.stop());

describe("an emitted Argo Workflow, executed", () => {
  it("gives the outputs of a local run, byte for byte, as non-root pods over a read-only project", async () => {
    const local = cli(["run", "--params", "run.day=2026-05-05"], {
      cwd: laptop,
      env: { DATA_ROOT: "s3://pw-engine/local" },
    });
    expect(local.code, local.stderr).toBe(0);

    const run = await runWorkflow(compileArgo(), cluster, {
      parameters: { "run-day": "2026-05-05" },
    });
    const failures = run.tasks.flatMap((t) => t.attempts.filter((a) => a.exitCode !== 0));
    expect(failures.map((a) => a.stderr)).toEqual([]);
    expect(run.phase).toBe("Succeeded");
    expect(run.tasks.map((t) => t.path)).toEqual(["main/clean", "main/science-fit", "main/score"]);
    for (const t of run.tasks) {
      const [attempt] = t.attempts;
      expect(attempt!.argv[0]).toBe("pipewright");
      if (process.getuid?.() === 0) expect(attempt!.uid).toBe(65534);
      expect(attempt!.env.PIPEWRIGHT_STATE_DIR).toMatch(/\/root\/tmp\/pipewright$/);
    }

    const outputs = ["clean.parquet", "model.json", "report.json"];
    for (const file of outputs) {
      const mine = Buffer.from(await read(`s3://pw-engine/cluster/${file}`));
      const theirs = Buffer.from(await read(`s3://pw-engine/local/${file}`));
      expect(mine.equals(theirs), file).toBe(true);
    }
    expect(
      JSON.parse(Buffer.from(await read("s3://pw-engine/cluster/report.json")).toString()),
    ).toEqual({
      day: "2026-05-05",
      total: 22,
      fitted: 0.5 * 3 * 3,
    });
    expect((await list("s3://pw-engine/cache/")).length).toBeGreaterThan(0);
  });

  it("shares the cache between pods: a resubmission hits it; another runtime value reruns its reader", async () => {
    const text = compileArgo();
    const same = await runWorkflow(text, cluster, { parameters: { "run-day": "2026-05-05" } });
    expect(same.phase).toBe("Succeeded");
    expect(statuses(same)).toEqual({ clean: "cached", "science.fit": "cached", score: "cached" });
    const other = await runWorkflow(text, cluster, { parameters: { "run-day": "2026-06-06" } });
    expect(other.phase).toBe("Succeeded");
    expect(statuses(other)).toEqual({ clean: "cached", "science.fit": "cached", score: "ran" });
    expect(
      JSON.parse(Buffer.from(await read("s3://pw-engine/cluster/report.json")).toString()).day,
    ).toBe("2026-06-06");
    // A submitted value is checked by the param's schema in every task (each compiles the
    // pipeline with it), and reaches it unchanged, "$(...)" included.
    const bad = await runWorkflow(text, cluster, { parameters: { "run-day": "$(not a date)" } });
    expect(bad.phase).toBe("Failed");
    const clean = bad.tasks.find((t) => t.path === "main/clean")!;
    expect(clean.attempts.at(-1)!.stderr).toContain("INVALID_PARAM");
    expect(clean.attempts.at(-1)!.stderr).toContain('"$(not a date)"');
    expect(bad.tasks.find((t) => t.path === "main/score")!.phase).toBe("Omitted");
  });

  it("retries once per retry: a node with retries: 1 that always fails runs its code twice", async () => {
    const run = await runWorkflow(compileArgo("failing"), cluster);
    expect(run.phase).toBe("Failed");
    const [task] = run.tasks;
    expect(task!.attempts).toHaveLength(2);
    expect(task!.backoff).toEqual(["10s"]);
    const calls = join(cluster.scratch, "pvc", "counts", "calls");
    expect(existsSync(calls)).toBe(true);
    expect(readFileSync(calls, "utf8").split("\n").filter(Boolean)).toHaveLength(2);
  });
});
