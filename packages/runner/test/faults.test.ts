import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, hashBytes } from "@pipewright/io";
import { beforeAll, describe, expect, test } from "vitest";
import { type RunRecord, runPipeline } from "../src/index.ts";
import { faultPipeline, faultPlan } from "./fixtures/kill-run.ts";
import { tempProject } from "./helpers.ts";

// Each scenario runs the fixture project in a child process (tsx), SIGKILLs it at one
// point, then runs it again uninterrupted in this process: the outputs must be byte for
// byte those of a run never interrupted, and every file in the cache store intact.

const script = fileURLToPath(new URL("./fixtures/kill-run.ts", import.meta.url));
const here = fileURLToPath(new URL("..", import.meta.url));
const RAW = JSON.stringify([
  { id: 1, value: 2 },
  { id: 2, value: -1 },
  { id: 3, value: 5 },
  { id: 4, value: 0.5 },
]);
/** Events of a full first run: run-start, then per node start, outputs, cache-stored, done; run-done. */
const FIRST_RUN_EVENTS = 23;
const NODES = ["parse", "stats", "scale", "report", "final"];
const TEMP = /\.tmp-\d+-[0-9a-f]+$|(^|\/)\.pw-tmp-/;

function newProject(): string {
  const root = tempProject();
  mkdirSync(join(root, "data"));
  writeFileSync(join(root, "data/raw.json"), RAW);
  return root;
}

function walk(dir: string): string[] {
  let out: string[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries)
    out = e.isDirectory() ? out.concat(walk(join(dir, e.name))) : out.concat(join(dir, e.name));
  return out.sort();
}

/** data/ as path -> text, temp files of interrupted writes left out. */
function outputs(root: string): Record<string, string> {
  const files = walk(join(root, "data")).filter((f) => !TEMP.test(f));
  return Object.fromEntries(files.map((f) => [relative(root, f), readFileSync(f, "utf8")]));
}

/** Child process: one run, killed by env; resolves with the signal or exit code. */
function child(
  root: string,
  env: Record<string, string>,
): Promise<{ signal: NodeJS.Signals | null; code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: here,
      env: { ...process.env, PW_ROOT: root, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.on("error", reject);
    p.on("exit", (code, signal) => resolve({ code, signal, stdout }));
  });
}

async function rerun(root: string): Promise<RunRecord> {
  return runPipeline({
    root,
    plan: faultPlan(root),
    pipeline: faultPipeline,
    store: new DataStore({ root }),
  });
}

/** Every file of the cache store is intact: blobs match their hash, entries parse and name existing blobs. */
async function checkCache(root: string): Promise<void> {
  const dir = join(root, ".pipewright/cache");
  const files = walk(dir).filter((f) => !TEMP.test(f));
  for (const f of files) {
    const rel = relative(dir, f);
    const bytes = readFileSync(f);
    if (rel.startsWith("blobs/")) expect(await hashBytes(bytes), rel).toBe(rel.split("/").pop());
    else if (rel.startsWith("entries/")) {
      const entry = JSON.parse(bytes.toString("utf8"));
      expect(`${entry.key}.json`, rel).toBe(rel.split("/").pop());
      for (const o of Object.values(entry.outputs) as { hash: string }[])
        expect(
          files.some((x) => x.endsWith(`/blobs/${o.hash.slice(0, 2)}/${o.hash}`)),
          `${rel} names a missing blob`,
        ).toBe(true);
      JSON.parse(entry.parts);
    } else if (rel.startsWith("nodes/"))
      expect(bytes.toString("utf8"), rel).toMatch(/^[0-9a-f]{64}$/);
    else if (rel.startsWith("code/")) JSON.parse(bytes.toString("utf8"));
    else throw new Error(`unexpected file in the cache store: ${rel}`);
  }
  for (const f of walk(join(root, ".pipewright/runs")).filter((x) => !TEMP.test(x)))
    JSON.parse(readFileSync(f, "utf8"));
}

/** Runs async jobs `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

let reference: Record<string, string>;
beforeAll(async () => {
  const root = newProject();
  const record = await rerun(root);
  expect(record.status).toBe("succeeded");
  reference = outputs(root);
  expect(Object.keys(reference).sort()).toEqual([
    "data/final.json",
    "data/raw.json",
    "data/report.txt",
    "data/scaled.csv",
    "data/stats.json",
  ]);
});

type Scenario = {
  name: string;
  before?: (root: string) => Promise<void>;
  kill: Record<string, string>[];
};

async function play(s: Scenario): Promise<void> {
  const root = newProject();
  await s.before?.(root);
  for (const env of s.kill) {
    const r = await child(root, env);
    expect(r.signal, `${s.name}: the child was not killed (${r.stdout})`).toBe("SIGKILL");
  }
  const record = await rerun(root);
  expect(record.status, s.name).toBe("succeeded");
  expect(outputs(root), s.name).toEqual(reference);
  await checkCache(root);
}

const atEvent = (n: number) => ({ PW_KILL_EVENT: String(n) });
const inNode = (n: string) => ({ PW_KILL_NODE: n });
const deleteOutputs = async (root: string) => {
  expect((await rerun(root)).status).toBe("succeeded");
  for (const f of ["stats.json", "scaled.csv", "report.txt", "final.json"])
    writeFileSync(join(root, "data", f), "");
};

describe("SIGKILL at many points, then a re-run", () => {
  // Of the 23 events of a first run, every phase of every node: start, after an output is
  // stored, after the cache entry is stored (each ~4 events apart), and the run's end.
  const points = [1, 2, 3, 4, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19, 21, 22, FIRST_RUN_EVENTS];
  const firstRun: Scenario[] = points.map((n) => ({
    name: `first run, event ${n}`,
    kill: [atEvent(n)],
  }));
  const inNodes: Scenario[] = NODES.map((n) => ({ name: `inside node ${n}`, kill: [inNode(n)] }));
  // A run that restores emptied outputs from the cache: run-start, then node-cached x5.
  const restoring: Scenario[] = [2, 4, 6].map((n) => ({
    name: `restoring run, event ${n}`,
    before: deleteOutputs,
    kill: [atEvent(n)],
  }));
  const repeated: Scenario = {
    name: "killed three times in a row",
    kill: [atEvent(6), atEvent(9), inNode("report")],
  };

  test(`${firstRun.length} points of a first run`, async () => {
    await pool(firstRun, 3, play);
  }, 600_000);

  test(`${inNodes.length + restoring.length + 1} points inside nodes, while restoring, and repeated kills`, async () => {
    await pool([...inNodes, ...restoring, repeated], 3, play);
  }, 600_000);
});

describe("concurrent runs", () => {
  test("two processes started at once on one project both succeed, with no torn file", async () => {
    const root = newProject();
    const [a, b] = await Promise.all([child(root, {}), child(root, {})]);
    for (const r of [a, b]) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).status).toBe("succeeded");
    }
    expect(outputs(root)).toEqual(reference);
    await checkCache(root);
    expect(walk(join(root, ".pipewright/runs")).filter((f) => f.endsWith(".json"))).toHaveLength(2);
  }, 600_000);

  test("two runs at once in one process", async () => {
    const root = newProject();
    const [a, b] = await Promise.all([rerun(root), rerun(root)]);
    expect([a.status, b.status]).toEqual(["succeeded", "succeeded"]);
    expect(a.id).not.toBe(b.id);
    expect(outputs(root)).toEqual(reference);
    await checkCache(root);
  });
});
