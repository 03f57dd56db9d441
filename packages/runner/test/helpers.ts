import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, type Pipeline, type Plan } from "@pipewright/core";
import { Catalog, DataStore } from "@pipewright/io";
import { afterEach } from "vitest";
import { frame, scan } from "../src/cache/log.ts";
import { type RunEvent, type RunOptions, type RunRecord, runPipeline } from "../src/index.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh project folder, removed after the test. */
export function tempProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "pw-runner-"));
  dirs.push(dir);
  return dir;
}

/** Compiles with a catalog given as entries (none: everything in memory). */
export function plan(
  p: Pipeline,
  root: string,
  entries?: Record<string, unknown>,
  params?: Record<string, unknown>,
): Plan {
  return compile(p, {
    root,
    ...(entries && { catalog: Catalog.fromEntries(entries, { root }) }),
    ...(params && { params }),
  });
}

export interface Ran {
  record: RunRecord;
  events: RunEvent[];
  memory: Map<string, unknown>;
}

/** Runs a pipeline and collects its events and in-memory outputs. */
export async function run(
  p: Pipeline,
  root: string,
  o: Partial<RunOptions> & {
    entries?: Record<string, unknown>;
    paramValues?: Record<string, unknown>;
  } = {},
): Promise<Ran> {
  const events: RunEvent[] = [];
  const memory = o.memory ?? new Map<string, unknown>();
  const { entries, paramValues, ...rest } = o;
  const record = await runPipeline({
    root,
    plan: o.plan ?? plan(p, root, entries, paramValues),
    pipeline: p,
    store: new DataStore({ root }),
    memory,
    onEvent: (e) => events.push(e),
    ...rest,
  });
  return { record, events, memory };
}

export const statuses = (r: RunRecord) =>
  Object.fromEntries(r.nodes.map((n) => [n.name, n.status]));
export const readText = (root: string, path: string) => readFileSync(join(root, path), "utf8");

/**
 * Rewrites every item of a local cache store's logs and snapshot through `edit` (return
 * the new data, or undefined to drop the item), keeping the framing valid: what a disk
 * fault or a hand edit that the checksums cannot see would leave.
 */
export function editCacheLog(
  root: string,
  edit: (kind: number, id: string, data: Buffer) => Uint8Array | undefined,
): void {
  const dir = join(root, ".pipewright/cache");
  const logs = existsSync(join(dir, "log")) ? readdirSync(join(dir, "log")) : [];
  for (const path of [join(dir, "snapshot.log"), ...logs.map((f) => join(dir, "log", f))]) {
    if (!existsSync(path)) continue;
    const frames: Buffer[] = [];
    scan(readFileSync(path), (kind, id, data) => {
      const next = edit(kind, id, data);
      if (next !== undefined) frames.push(frame([{ kind, id, data: next }]));
    });
    writeFileSync(path, Buffer.concat(frames));
  }
}
