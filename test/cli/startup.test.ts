// What a command does not load at start-up (Node's loader costs time per module): on an
// unchanged project, `status` and a cached `run-node` load neither the yaml library (conf
// values are remembered by content) nor a table codec (they hash bytes, they do not decode);
// `ls` and `status` do not load object-hash (only a param value YAML cannot give needs it),
// graphlib (only a cycle's message needs it) or node:child_process (only `check` and
// `viz --serve` spawn).
// Node's own modules that tsx loads too are checked on the installed CLI (test/packaging).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { BIN, cli } from "../support/cli.ts";
import { modulesLoadedBy } from "../support/modules.ts";
import { tinyProject } from "./project.ts";

const YAML_OR_CODEC =
  /\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(yaml|csv-parse|csv-stringify|hyparquet)\//;

test("status and a cached run-node on an unchanged project load no yaml and no codec", () => {
  const dir = tinyProject();
  expect(cli(["run"], { cwd: dir }).code).toBe(0);
  for (const args of [["status"], ["run-node", "--node", "clean_rows"]]) {
    const r = modulesLoadedBy([BIN, ...args], dir);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.urls.some((u) => u.includes("/cli/src/main.ts"))).toBe(true);
    expect(r.urls.filter((u) => YAML_OR_CODEC.test(u))).toEqual([]);
  }
  // An edited params file is read again: the remembered value was keyed by its content.
  writeFileSync(join(dir, "conf/params.yaml"), "stats:\n  scale: 3\n");
  const after = modulesLoadedBy([BIN, "status"], dir);
  expect(after.urls.some((u) => /\/yaml\//.test(u))).toBe(true);
  expect(cli(["status"], { cwd: dir }).stdout).toMatch(/summarise would run .*stats\.scale/);
});

test("ls loads neither object-hash (only a param value of a kind YAML cannot give needs it), graphlib (only a cycle's message) nor child_process (only check and viz --serve spawn)", () => {
  const dir = tinyProject();
  const r = modulesLoadedBy([BIN, "ls", "--pipeline", "__default__"], dir);
  expect(r.status).toBe(0);
  expect(r.urls.some((u) => u.includes("/cli/src/main.ts"))).toBe(true);
  expect(r.urls.filter((u) => /\/(object-hash|@dagrejs\/graphlib)\//.test(u))).toEqual([]);
  expect(r.urls).not.toContain("node:child_process");
  expect(r.urls.some((u) => u.startsWith("node:"))).toBe(true);
  // Nor does status: its param's value is of a kind YAML gives, written in object-hash's
  // text by core's value-hash.ts.
  const status = modulesLoadedBy([BIN, "status"], dir);
  expect(status.status, status.stderr).toBe(0);
  expect(status.urls.filter((u) => /\/object-hash\//.test(u))).toEqual([]);
  // It is loaded where it is needed: a param whose value is a Date is hashed by object-hash.
  const source = readFileSync(join(dir, "src/pipeline.ts"), "utf8")
    .replace(
      'const scale = param("stats.scale", z.number().positive());',
      'const scale = param("stats.scale", z.number().positive());\nconst since = param("stats.since", z.coerce.date());',
    )
    .replace("inputs: { clean, scale }", "inputs: { clean, scale, since }");
  const dated = tinyProject({
    "conf/params.yaml": "stats:\n  scale: 2\n  since: 2024-01-02\n",
    "src/pipeline.ts": source,
  });
  const datedStatus = modulesLoadedBy([BIN, "status"], dated);
  expect(datedStatus.status, datedStatus.stderr).toBe(0);
  expect(datedStatus.urls.some((u) => /\/object-hash\//.test(u))).toBe(true);
});

test("the commands that compile keep the project's hash memo (ls, which hashes nothing, does not)", () => {
  const memo = (dir: string) => join(dir, ".pipewright", "hashes.json");
  const dir = tinyProject();
  expect(cli(["ls", "--pipeline", "__default__"], { cwd: dir }).code).toBe(0);
  expect(existsSync(memo(dir))).toBe(false);
  for (const args of [["compile"], ["status"], ["run"], ["run-node", "--node", "clean_rows"]]) {
    const fresh = tinyProject();
    expect(cli(args, { cwd: fresh }).code, args[0]).toBe(0);
    expect(readFileSync(memo(fresh), "utf8"), args[0]).toMatch(/^pipewright-hash-memo 1 \d+-/);
  }
});
