import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cli } from "../support/cli.ts";
import { tinyProject } from "./project.ts";

// Inside the workspace the packages resolve to their TypeScript sources, which tsc then
// checks too: so the project takes the workspace's compiler options (Node's types included).
const TSCONFIG = `${JSON.stringify({
  extends: "../../tsconfig.base.json",
  include: ["pipewright.config.ts", "src/pipeline.ts"],
})}\n`;

describe("pipewright check", () => {
  test("a sound project: every step passes, exit 0", () => {
    const dir = tinyProject({
      "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) } });
`,
    });
    const r = cli(["check"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("✓ pipeline __default__: 2 nodes");
    expect(r.stderr).toContain("- types: skipped, no tsconfig.json in the project");
    expect(r.stderr).toContain("✓ no problems found");
  });

  test("reports every problem at once: a broken pipeline, a bad param, a catalog typo", () => {
    const dir = tinyProject({
      "conf/params.yaml": "stats:\n  scale: -1\n",
      "conf/catalog.yaml":
        "raw:\n  type: csv\n  path: data/raw.csv\nstat:\n  type: json\n  path: out/stats.json\nstats:\n  type: jsn\n  path: out/s.json\n",
    });
    const r = cli(["check", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    const codes = report.problems.map((p: { code: string }) => p.code).sort();
    // The catalog fails to load (an unknown type) and the broken pipeline fails to import;
    // the param is still checked against its schema.
    expect(codes).toEqual(["CONFIG_FAILED", "INVALID_PARAM", "UNKNOWN_DATASET_TYPE"]);
    expect(report.pipelines).toEqual([
      { name: "__default__", nodes: null },
      { name: "broken", nodes: null },
    ]);
    const human = cli(["check"], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain("✗ 3 problems found");
  });

  test("an entry for no dataset is found once the catalog loads", () => {
    const dir = tinyProject({
      "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) } });
`,
      "conf/catalog.yaml":
        "raw:\n  type: csv\n  path: data/raw.csv\nstat:\n  type: json\n  path: out/stats.json\n",
    });
    const r = cli(["check"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[UNKNOWN_CATALOG_ENTRY] conf/catalog.yaml:4: catalog entry "stat"');
  });

  test("type-checks with the project's TypeScript when it has a tsconfig.json", () => {
    const dir = tinyProject({
      "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) } });
`,
      "tsconfig.json": TSCONFIG,
    });
    const ok = cli(["check"], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/✓ types: tsc --noEmit/);
    appendFileSync(join(dir, "src/pipeline.ts"), 'export const wrong: number = "not a number";\n');
    const bad = cli(["check", "--json"], { cwd: dir });
    expect(bad.code).toBe(1);
    const problems = JSON.parse(bad.stdout).problems;
    expect(problems).toEqual([
      expect.objectContaining({
        code: "TYPECHECK_FAILED",
        message: expect.stringMatching(/^src\/pipeline\.ts\(\d+,\d+\): error TS2322/),
      }),
    ]);
    writeFileSync(join(dir, "tsconfig.json"), TSCONFIG);
    expect(cli(["check", "--no-typecheck"], { cwd: dir }).code).toBe(0);
  });
});
