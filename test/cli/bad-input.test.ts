import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cli, makeProject } from "../support/cli.ts";
import { tinyProject } from "./project.ts";

/** One clear line on stderr (no stack), and the expected exit code. */
function expectError(r: ReturnType<typeof cli>, code: number, pattern: RegExp) {
  expect(r.code).toBe(code);
  const first = r.stderr.split("\n")[0]!;
  expect(first).toMatch(/^error /);
  expect(first).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe("");
}

describe("bad input through the real binary", () => {
  test("no config found", () => {
    const r = cli(["ls"], { cwd: "/" });
    expectError(
      r,
      1,
      /\[CONFIG_NOT_FOUND\] no pipewright.config.ts in \/ or any parent folder. Run `pipewright init`/,
    );
  });

  test("a config that throws names the file and line", () => {
    const dir = makeProject({
      "pipewright.config.ts":
        'const x = 1;\nthrow new Error("boom in config");\nexport default {};\n',
    });
    expectError(
      cli(["ls"], { cwd: dir }),
      1,
      /\[CONFIG_FAILED\] pipewright.config.ts failed to load: boom in config \(at pipewright.config.ts:2\)/,
    );
  });

  test("a pipeline module that throws", () => {
    expectError(
      cli(["ls", "--pipeline", "broken"], { cwd: tinyProject() }),
      1,
      /pipeline "broken" failed to load: the broken pipeline module fails on import \(at src\/broken.ts:1\)/,
    );
  });

  test("an unknown pipeline suggests the nearest", () => {
    expectError(
      cli(["run", "--pipeline", "__defualt__"], { cwd: tinyProject() }),
      2,
      /\[UNKNOWN_PIPELINE\] no pipeline named "__defualt__". Did you mean "__default__"\?/,
    );
  });

  test("an unknown node", () => {
    expectError(
      cli(["run", "--nodes", "sumarise"], { cwd: tinyProject() }),
      2,
      /\[UNKNOWN_NODE\] nodes: no node named "sumarise" in the pipeline. Did you mean "summarise"\?/,
    );
  });

  test("an unknown node for run-node", () => {
    expectError(
      cli(["run-node", "--node", "nope"], { cwd: tinyProject() }),
      2,
      /no node named "nope"/,
    );
  });

  test("a bad --params path", () => {
    expectError(
      cli(["run", "--params", "stats.scael=3"], { cwd: tinyProject() }),
      2,
      /--params stats.scael: no such param. Did you mean "stats.scale"\?/,
    );
  });

  test("a bad --params syntax", () => {
    expectError(
      cli(["run", "--params", "stats.scale"], { cwd: tinyProject() }),
      2,
      /--params expects key.path=value/,
    );
  });

  test("a --params value failing the param's schema", () => {
    const dir = tinyProject();
    expectError(
      cli(["run", "--params", "stats.scale=-1"], { cwd: dir }),
      1,
      /\[INVALID_PARAM\] param "stats.scale" = -1 is invalid/,
    );
    expect(existsSync(join(dir, ".pipewright", "runs"))).toBe(false);
  });

  test("an unknown target writes nothing", () => {
    const dir = tinyProject();
    expectError(
      cli(["compile", "--target", "argoo", "--out", "plan.yaml"], { cwd: dir }),
      2,
      /\[UNKNOWN_TARGET\] unknown target "argoo". Did you mean "argo"\?/,
    );
    expect(existsSync(join(dir, "plan.yaml"))).toBe(false);
  });

  test("a plan file that fails PlanSchema, for diff", () => {
    const dir = tinyProject({ "bad.json": JSON.stringify({ irVersion: 1, nodes: "no" }) });
    expect(cli(["compile", "--out", "good.json"], { cwd: dir }).code).toBe(0);
    expectError(
      cli(["diff", "good.json", "bad.json"], { cwd: dir }),
      1,
      /\[INVALID_PLAN\] bad.json is not a valid pipewright plan/,
    );
    // A file named on the command line that does not exist is a usage error, like an unknown run.
    expectError(
      cli(["diff", "good.json", "missing.json"], { cwd: dir }),
      2,
      /\[USAGE\] cannot read plan missing.json: no such file/,
    );
  });

  test("an unknown run id", () => {
    const dir = tinyProject();
    expect(cli(["run"], { cwd: dir }).code).toBe(0);
    expectError(
      cli(["runs", "show", "2026-01-01T00-00-00-000Z-zzzz"], { cwd: dir }),
      2,
      /\[UNKNOWN_RUN\]/,
    );
  });

  test("a catalog entry naming credentials that do not exist", () => {
    const dir = tinyProject({
      "conf/catalog.yaml":
        "raw:\n  type: csv\n  path: data/raw.csv\nstats:\n  type: json\n  uri: s3://bucket/stats.json\n  credentials: warehouse\n",
    });
    const r = cli(["run"], { cwd: dir });
    expectError(r, 1, /MISSING_CREDENTIALS/);
    expect(r.stderr).toContain("warehouse");
  });

  test("a filter that leaves out an in-memory input's producer says so", () => {
    const dir = tinyProject();
    expectError(
      cli(["run", "--nodes", "summarise"], { cwd: dir }),
      1,
      /dataset "clean" is read by "summarise"; its producer "clean_rows" is not among the selected nodes/,
    );
  });

  test("a mistyped command or option suggests the nearest one", () => {
    const dir = tinyProject();
    expectError(
      cli(["stauts"], { cwd: dir }),
      2,
      /unknown command "stauts". Did you mean "status"\?/,
    );
    expectError(
      cli(["run", "--paralel", "2"], { cwd: dir }),
      2,
      /unknown option --paralel. Did you mean --parallel\?/,
    );
    expectError(
      cli(["compile", "--kind", "crom"], { cwd: dir }),
      2,
      /--kind must be one of workflow, template, cron, got "crom". Did you mean "cron"\?/,
    );
  });

  test("--verbose adds the stack trace", () => {
    const r = cli(["run", "--params", "stats.scale=-1", "--verbose"], { cwd: tinyProject() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  test("a failed compile leaves no output file behind", () => {
    const dir = tinyProject();
    cli(["compile", "--params", "stats.scale=0", "--out", "out/plan.json"], { cwd: dir });
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(readdirSync(dir).some((f) => f.endsWith(".tmp"))).toBe(false);
  });
});
