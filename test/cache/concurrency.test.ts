import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BIN, cli, makeProject } from "../support/cli.ts";

// Two runs of one project at once, with different params (issue #10): the second run
// rewrites "a" while the first is between producing it and reading it. Every cache entry
// must name the input its outputs were computed from, so later cached runs equal
// from-scratch runs.
const project = () =>
  makeProject({
    "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) } });
`,
    "conf/catalog.yaml":
      "a:\n  type: json\n  path: out/a.json\nc:\n  type: json\n  path: out/c.json\nslow:\n  type: json\n  path: out/slow.json\n",
    "conf/params.yaml": "factor: 1\n",
    "src/pipeline.ts": `import { z } from "zod";
import { dataset, node, param, pipeline } from "@pipewright/core";
const V = z.object({ v: z.number() });
const a = dataset("a", V);
const c = dataset("c", V);
const slow = dataset("slow", V);
const factor = param("factor", z.number());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const all = pipeline([
  node({ name: "a_make", inputs: { factor }, outputs: { a }, run: ({ factor }) => ({ a: { v: factor } }) }),
  // Runs between a_make and c_use (names break ties), keeping the window open.
  node({ name: "b_slow", inputs: { factor }, outputs: { slow }, run: async ({ factor }) => { await sleep(Number(process.env.SLOW_MS ?? 0)); return { slow: { v: factor } }; } }),
  // The slow reader: it reads "a" and takes its time.
  node({ name: "c_use", inputs: { a }, outputs: { c }, run: async ({ a }) => { await sleep(300); return { c: { v: a.v * 10 } }; } }),
]);
`,
  });

function start(dir: string, args: string[], env: Record<string, string>) {
  return new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", CI: "true", ...env },
      stdio: "ignore",
    });
    child.on("exit", (code) => resolve(code));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function outputs(dir: string) {
  return ["a", "c", "slow"].map((n) => readFileSync(join(dir, "out", `${n}.json`), "utf8"));
}

describe("concurrent runs leave only consistent cache entries", () => {
  test("two runs with different params at once, then cached runs equal from-scratch runs", async () => {
    const dir = project();
    for (let round = 0; round < 2; round++) {
      const first = start(dir, ["run", "--params", `factor=${2 + round * 2}`], { SLOW_MS: "2500" });
      await sleep(1200);
      const second = start(dir, ["run", "--params", `factor=${3 + round * 2}`], { SLOW_MS: "0" });
      expect(await first).toBe(0);
      expect(await second).toBe(0);
    }
    for (const factor of [2, 3, 4, 5]) {
      const args = ["run", "--params", `factor=${factor}`];
      expect(cli(args, { cwd: dir }).code).toBe(0);
      const cached = outputs(dir);
      rmSync(join(dir, "out"), { recursive: true, force: true });
      expect(cli([...args, "--no-cache"], { cwd: dir }).code).toBe(0);
      expect(cached, `factor=${factor}`).toEqual(outputs(dir));
      expect(JSON.parse(cached[1]!).v).toBe(factor * 10);
    }
  }, 120_000);
});
