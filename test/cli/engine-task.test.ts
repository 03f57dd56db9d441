// `pipewright run-node` as an engine runs it (issue #13), through the real binary: one
// attempt per node, a timeout that stops even a node that never yields, a read-only
// project run as a non-root user, runtime params given at submit time, and compile
// keeping targets.argo.extraArgs next to --params.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import YAML from "yaml";
import { BIN, type CliResult, cli, makeProject } from "../support/cli.ts";

/** A project whose outputs go to `out` (outside it), with a runtime param and nodes that misbehave. */
function project(out: string, argo = "{}"): string {
  return makeProject({
    "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({
  name: "engine",
  pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) },
  targets: { argo: ${argo} },
});
`,
    "conf/catalog.yaml": `stamp:\n  type: json\n  uri: file://${out}/stamp.json\nflaky_out:\n  type: json\n  uri: file://${out}/flaky.json\nspin_out:\n  type: json\n  uri: file://${out}/spin.json\n`,
    "conf/params.yaml": "run:\n  day: 2026-01-31\nscale: 2\n",
    "src/pipeline.ts": `import { appendFileSync } from "node:fs";
import { z } from "zod";
import { dataset, node, param, pipeline } from "@pipewright/core";
const day = param("run.day", z.string().regex(/^\\d{4}-\\d{2}-\\d{2}$/), { runtime: true });
const scale = param("scale", z.number());
const calls = (name: string) => appendFileSync(${JSON.stringify(join(out, "calls"))}, name + "\\n");
export const all = pipeline([
  node({ name: "stamp", inputs: { day, scale }, outputs: { stamp: dataset("stamp", z.string()) },
    run: ({ day, scale }) => { calls("stamp"); return { stamp: day + " x" + scale }; } }),
  node({ name: "flaky", outputs: { out: dataset("flaky_out", z.number()) }, retries: 2,
    run: () => { calls("flaky"); throw new Error("down"); } }),
  node({ name: "spin", outputs: { out: dataset("spin_out", z.number()) }, timeout: 1,
    run: () => { calls("spin"); for (;;) {} } }),
]);
`,
  });
}

/** A writable folder outside the repository, readable and writable by anyone. */
function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pw-engine-out-"));
  chmodSync(dir, 0o777);
  return dir;
}

const calls = (out: string) =>
  existsSync(join(out, "calls"))
    ? readFileSync(join(out, "calls"), "utf8").split("\n").filter(Boolean)
    : [];

function planHash(dir: string, env: Record<string, string> = {}): string {
  const r = cli(["compile", "--target", "local", "--json", "--out", join(dir, "plan.json")], {
    cwd: dir,
    env,
  });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).planHash;
}

/** The real binary with a time limit of its own (a run-node that hangs must fail the test, not stall it). */
function runNode(
  dir: string,
  args: string[],
  o: { env?: Record<string, string | undefined>; as?: number; timeout?: number } = {},
): CliResult & { ms: number } {
  const argv = [BIN, "run-node", "--cwd", dir, ...args];
  const [cmd, cmdArgs] =
    o.as === undefined
      ? [process.execPath, argv]
      : [
          "setpriv",
          [`--reuid=${o.as}`, `--regid=${o.as}`, "--clear-groups", process.execPath, ...argv],
        ];
  const t0 = Date.now();
  const r = spawnSync(cmd, cmdArgs, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", CI: "true", ...o.env },
    timeout: o.timeout ?? 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0;

describe("run-node as an engine task", () => {
  test("retries: a node with retries: 2 runs once in run-node; the engine retries the task", () => {
    const out = outDir();
    const dir = project(out);
    const r = runNode(dir, ["--node", "flaky", "--plan-hash", planHash(dir)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("flaky: failed");
    expect(calls(out)).toEqual(["flaky"]);
  });

  test("timeout: a node that never yields is stopped at its timeout, around its own code", () => {
    const out = outDir();
    const dir = project(out);
    const r = runNode(dir, ["--node", "spin", "--plan-hash", planHash(dir)], { timeout: 45_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/node "spin" timed out after 1s/);
    expect(calls(out)).toEqual(["spin"]);
  });

  test.skipIf(!asRoot || !hasSetpriv)(
    "non-root over a read-only project: outputs written, state in a writable place, exit 0",
    () => {
      const out = outDir();
      const dir = project(out);
      const hash = planHash(dir);
      // What `COPY . /app` + `USER node` gives: the project owned by root, not writable by the user.
      spawnSync("chmod", ["-R", "a+rX,a-w", dir]);
      expect(statSync(dir).mode & 0o222).toBe(0);
      const state = join(out, "state");
      const r = runNode(dir, ["--node", "stamp", "--plan-hash", hash], {
        as: 65534,
        env: { PIPEWRIGHT_STATE_DIR: state },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(out, "stamp.json"), "utf8"))).toBe("2026-01-31 x2");
      expect(readdirSync(join(state, "runs"))).toHaveLength(1);
      expect(existsSync(join(dir, ".pipewright"))).toBe(false);
      // Without PIPEWRIGHT_STATE_DIR, state falls back to the temp dir instead of failing.
      const again = runNode(dir, ["--node", "stamp", "--plan-hash", hash], {
        as: 65534,
        env: { PIPEWRIGHT_STATE_DIR: undefined, TMPDIR: join(out, "tmp") },
      });
      expect(again.code, again.stderr).toBe(0);
      expect(readdirSync(join(out, "tmp")).some((d) => d.startsWith("pipewright-65534"))).toBe(
        true,
      );
      spawnSync("chmod", ["-R", "u+w", dir]);
    },
  );

  test("runtime params: another value at submit time passes the plan-hash check, is validated, and keys the cache", () => {
    const out = outDir();
    const dir = project(out);
    const hash = planHash(dir);
    const stamp = (day: string) =>
      runNode(dir, [
        "--node",
        "stamp",
        "--plan-hash",
        hash,
        "--params",
        `run.day=${day}`,
        "--json",
      ]);
    const first = stamp("2026-02-01");
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "stamp.json"), "utf8"))).toBe("2026-02-01 x2");
    const second = stamp("2026-02-02");
    expect(JSON.parse(second.stdout).nodes[0]).toMatchObject({
      status: "ran",
      causes: [expect.objectContaining({ kind: "param", name: "run.day" })],
    });
    expect(JSON.parse(stamp("2026-02-02").stdout).nodes[0].status).toBe("cached");
    // Checked by its schema in the task.
    const bad = stamp("yesterday");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_PARAM.*run\.day/);
    // A compile-time param is still covered by the plan hash.
    const fixed = runNode(dir, ["--node", "stamp", "--plan-hash", hash, "--params", "scale=3"]);
    expect(fixed.code).toBe(1);
    expect(fixed.stderr).toContain("PLAN_HASH_MISMATCH");
  });

  test("compile: targets.argo.extraArgs are kept and --params appended; runtime overrides become defaults", () => {
    const out = outDir();
    const dir = project(out, `{ image: "img:1", extraArgs: ["--verbose"] }`);
    const r = cli(
      ["compile", "--target", "argo", "--params", "scale=3", "--params", "run.day=2026-03-01"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = YAML.parse(r.stdout);
    const template = doc.spec.templates.find((t: { container?: unknown }) => t.container);
    const args: string[] = template.container.args;
    expect(args.slice(args.indexOf("--verbose"))).toEqual([
      "--verbose",
      "--params",
      "scale=3",
      "--params",
      "run.day=$(PIPEWRIGHT_PARAM_1)",
    ]);
    expect(doc.spec.arguments.parameters).toEqual([
      expect.objectContaining({ name: "run-day", value: "2026-03-01" }),
    ]);
  });
});
