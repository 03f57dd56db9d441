import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, hashBytes } from "@pipewright/io";
import { beforeAll, describe, expect, test } from "vitest";
import { random, seededBytes } from "../../../test/support/random.ts";
import { Kind, scan } from "../src/cache/log.ts";
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

/**
 * Every file of the cache store is intact: blobs match their hash; the snapshot and each
 * log parse up to a torn tail at most; every entry has its key parts and code, and names
 * blobs that were stored before it (in an earlier item or as a file).
 */
async function checkCache(root: string): Promise<void> {
  const dir = join(root, ".pipewright/cache");
  const files = walk(dir).filter((f) => !TEMP.test(f));
  const blobFiles = new Set<string>();
  const logs: string[] = [];
  for (const f of files) {
    const rel = relative(dir, f);
    if (rel.startsWith("blobs/")) {
      const hash = rel.split("/").pop()!;
      expect(await hashBytes(readFileSync(f)), rel).toBe(hash);
      blobFiles.add(hash);
    } else if (rel === "snapshot.log" || /^log\/[^/]+\.log$/.test(rel)) logs.push(rel);
    else throw new Error(`unexpected file in the cache store: ${rel}`);
  }
  // The snapshot first, then logs oldest first: what a reader applies, in its order.
  logs.sort((a, b) => (a === "snapshot.log" ? -1 : b === "snapshot.log" ? 1 : a < b ? -1 : 1));
  const code = new Set<string>();
  const parts = new Map<string, string>();
  const blobs = new Set(blobFiles);
  for (const rel of logs) {
    const bytes = readFileSync(join(dir, rel));
    const end = scan(bytes, (kind, id, data) => {
      const text = data.toString("utf8");
      if (kind === Kind.blob) blobs.add(id);
      else if (kind === Kind.code) {
        JSON.parse(text);
        code.add(id);
      } else if (kind === Kind.parts) parts.set(id, text);
      else if (kind === Kind.pointer) expect(text, rel).toMatch(/^[0-9a-f]{64}$/);
      else if (kind === Kind.entry) {
        const entry = JSON.parse(text);
        expect(entry.key, rel).toBe(id);
        const p = parts.get(id);
        expect(p, `${rel}: entry ${id} without its key parts`).toBeDefined();
        expect(code.has(JSON.parse(p!).code), `${rel}: entry ${id} without its code`).toBe(true);
        for (const o of Object.values(entry.outputs) as { hash: string }[])
          expect(blobs.has(o.hash), `${rel} names a blob not stored before it`).toBe(true);
      }
    });
    // Only a log (never the snapshot, written whole) may end in a torn frame.
    if (rel === "snapshot.log") expect(end).toBe(bytes.length);
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

describe("a log cut short or garbled at its end (killed, or power lost, mid-append)", () => {
  /** Offsets where each frame of a log starts, and its end. */
  function frameStarts(bytes: Buffer): number[] {
    const starts: number[] = [];
    for (let o = 0; o + 8 <= bytes.length; o += 8 + bytes.readUInt32LE(o)) starts.push(o);
    return [...starts, bytes.length];
  }

  test("at every frame's edges and middle, with outputs kept or emptied, a re-run equals a from-scratch run", async () => {
    const source = newProject();
    expect((await child(source, {})).code).toBe(0);
    const logDir = join(source, ".pipewright/cache/log");
    const [name, ...others] = readdirSync(logDir);
    expect(others).toEqual([]);
    const bytes = readFileSync(join(logDir, name!));
    const starts = frameStarts(bytes);
    expect(starts.at(-1)).toBe(bytes.length);
    // A frame per node that ran (5) and the seal.
    expect(starts).toHaveLength(7);
    const cuts = new Set<number>();
    for (let k = 0; k + 1 < starts.length; k++) {
      const [a, b] = [starts[k]!, starts[k + 1]!];
      for (const c of [a, a + 1, a + 7, a + 8, a + 9, Math.floor((a + b) / 2), b - 1]) cuts.add(c);
    }
    const cases = [...cuts].flatMap((cut) =>
      [false, true].flatMap((emptied) => [
        { cut, emptied, tail: Buffer.alloc(0) },
        // What a power loss can leave: bytes that were never a frame (seeded by the cut, so
        // a failing case can be replayed).
        { cut, emptied, tail: seededBytes(random(cut), 1 + (cut % 23)) },
      ]),
    );
    await pool(cases, 3, async ({ cut, emptied, tail }) => {
      const root = tempProject();
      cpSync(source, root, { recursive: true });
      const log = join(root, ".pipewright/cache/log", name!);
      const written = Buffer.concat([bytes.subarray(0, cut), tail]);
      writeFileSync(log, written);
      if (emptied)
        for (const f of ["stats.json", "scaled.csv", "report.txt", "final.json"])
          writeFileSync(join(root, "data", f), "");
      const record = await rerun(root);
      const what = `cut at ${cut}${tail.length ? ` + ${tail.length} garbage bytes` : ""}${emptied ? ", outputs emptied" : ""}`;
      expect(record.status, what).toBe("succeeded");
      expect(outputs(root), what).toEqual(reference);
      await checkCache(root);
      // Whatever the cut, the nodes whose frames survived whole are hits. A garbage byte can
      // equal the byte it replaces (1 in 256), so a frame is whole if the file still holds all
      // of it, not only if the cut came after it.
      let kept = 0;
      while (kept < written.length && kept < bytes.length && written[kept] === bytes[kept]) kept++;
      const whole = starts.filter((s) => s > 0 && s <= kept).length;
      const cached = record.nodes.filter((n) => n.status === "cached").length;
      expect(cached, what).toBe(Math.min(whole, NODES.length));
    });
  }, 600_000);
});
