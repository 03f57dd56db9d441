import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BIN, makeProject } from "../support/cli.ts";

// first writes its output at once; slow takes seconds, so Ctrl-C lands while it runs.
const project = () =>
  makeProject({
    "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { __default__: () => import("./src/p.ts").then((m) => m.p) } });
`,
    "conf/catalog.yaml":
      "first:\n  type: json\n  path: out/first.json\nslow:\n  type: json\n  path: out/slow.json\n",
    "src/p.ts": `import { z } from "zod";
import { dataset, node, pipeline } from "@pipewright/core";
const first = dataset("first", z.number());
const slow = dataset("slow", z.number());
export const p = pipeline([
  node({ name: "first", outputs: { first }, run: () => ({ first: 1 }) }),
  node({ name: "slow", inputs: { first }, outputs: { slow }, run: async ({ first }) => {
    await new Promise((r) => setTimeout(r, 8000));
    return { slow: first + 1 };
  } }),
]);
`,
  });

describe("Ctrl-C", () => {
  test("stops the run, exits 130, leaves no partial output and records the run as interrupted", async () => {
    const dir = project();
    const child = spawn(process.execPath, [BIN, "run"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
    });
    let stderr = "";
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        // "first" has finished, so "slow" is running now.
        if (stderr.includes("✓ first ran") && !child.killed)
          setTimeout(() => child.kill("SIGINT"), 300);
      });
      child.on("exit", (c) => resolve(c));
    });
    expect(code).toBe(130);
    expect(stderr).toContain("interrupted");
    expect(existsSync(join(dir, "out/first.json"))).toBe(true);
    expect(existsSync(join(dir, "out/slow.json"))).toBe(false);
    expect(readdirSync(join(dir, "out")).filter((f) => f !== "first.json")).toEqual([]);
    const runs = readdirSync(join(dir, ".pipewright/runs")).filter((f) => f.endsWith(".json"));
    const record = JSON.parse(readFileSync(join(dir, ".pipewright/runs", runs[0]!), "utf8"));
    expect(record.status).toBe("interrupted");
  });
});
