import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PlanSchema } from "@pipewright/core";
import { describe, expect, test } from "vitest";
import { cli, makeProject } from "../support/cli.ts";
import { tinyProject } from "./project.ts";

describe("help and version", () => {
  test("--help everywhere, --version everywhere", () => {
    const dir = tinyProject();
    const top = cli(["--help"], { cwd: dir });
    expect(top.code).toBe(0);
    for (const c of [
      "ls",
      "compile",
      "check",
      "run",
      "run-node",
      "status",
      "viz",
      "diff",
      "runs",
      "init",
    ])
      expect(top.stdout).toContain(`  ${c} `);
    const help = cli(["run", "--help"], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--from-nodes <NAME>");
    expect(cli(["status", "--version"], { cwd: dir }).stdout).toMatch(
      /^pipewright \d+\.\d+\.\d+\n$/,
    );
    expect(cli(["--version"], { cwd: dir }).stdout).toMatch(/^pipewright \d+\.\d+\.\d+\n$/);
  });

  test("global options may come before the command", () => {
    const dir = tinyProject();
    const r = cli(["--cwd", dir, "ls", "--pipeline", "__default__"], { cwd: "/" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("summarise");
  });

  test("run --verbose shows where a failing node threw", () => {
    const dir = tinyProject();
    const file = join(dir, "src/pipeline.ts");
    const lines = readFileSync(file, "utf8").split("\n");
    const at = lines.findIndex((l) => l.includes('name: "summarise"'));
    lines[at] =
      '  node({ name: "summarise", inputs: { clean, scale }, outputs: { stats }, run: () => {\n    throw new Error("boom in summarise");\n  } }),';
    writeFileSync(file, lines.join("\n"));
    const r = cli(["run", "--verbose"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("boom in summarise");
    expect(r.stderr).toMatch(/src\/pipeline\.ts:\d+/);
  });

  test("no command prints help and exits 2", () => {
    const r = cli([], { cwd: tinyProject() });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("Usage: pipewright <command>");
  });
});

describe("run, status and the cache", () => {
  test("run writes outputs, a second run is fully cached, a param change re-runs only what it affects", () => {
    const dir = tinyProject();
    const first = cli(["run", "--json"], { cwd: dir });
    expect(first.code).toBe(0);
    const record = JSON.parse(first.stdout);
    expect(record.nodes.map((n: { name: string; status: string }) => [n.name, n.status])).toEqual([
      ["clean_rows", "ran"],
      ["summarise", "ran"],
    ]);
    expect(JSON.parse(readFileSync(join(dir, "out/stats.json"), "utf8"))).toEqual({ total: 30 });
    expect(first.stderr).toContain("✓ clean_rows ran");

    const second = JSON.parse(cli(["run", "--json"], { cwd: dir }).stdout);
    expect(second.nodes.map((n: { status: string }) => n.status)).toEqual(["cached", "cached"]);

    const status = JSON.parse(
      cli(["status", "--json", "--params", "stats.scale=3"], { cwd: dir }).stdout,
    );
    expect(status.pipeline).toBe("__default__");
    expect(status.nodes[0]).toMatchObject({ name: "clean_rows", state: "cached" });
    expect(status.nodes[1]).toMatchObject({ name: "summarise", state: "run" });
    expect(status.nodes[1].causes).toEqual([
      expect.objectContaining({ kind: "param", name: "stats.scale", old: 2, new: 3 }),
    ]);

    const third = JSON.parse(
      cli(["run", "--json", "--params", "stats.scale=3"], { cwd: dir }).stdout,
    );
    expect(third.nodes.map((n: { status: string }) => n.status)).toEqual(["cached", "ran"]);
    expect(JSON.parse(readFileSync(join(dir, "out/stats.json"), "utf8"))).toEqual({ total: 45 });

    const noCache = JSON.parse(cli(["run", "--json", "--no-cache"], { cwd: dir }).stdout);
    expect(noCache.nodes.map((n: { status: string }) => n.status)).toEqual(["ran", "ran"]);
  });

  test("status explains a first run and a code change by file", () => {
    const dir = tinyProject({ "src/helper.ts": "export const bonus = 0;\n" });
    const pipelineFile = join(dir, "src/pipeline.ts");
    writeFileSync(
      pipelineFile,
      readFileSync(pipelineFile, "utf8")
        .replace(
          'import { z } from "zod";',
          'import { z } from "zod";\nimport { bonus } from "./helper.ts";',
        )
        .replace("scale * clean", "bonus + scale * clean"),
    );
    const before = JSON.parse(cli(["status", "--json"], { cwd: dir }).stdout);
    expect(
      before.nodes.every((n: { causes: { kind: string }[] }) => n.causes[0]?.kind === "first-run"),
    ).toBe(true);
    expect(cli(["run"], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, "src/helper.ts"), "export const bonus = 1;\n");
    const after = JSON.parse(cli(["status", "--json"], { cwd: dir }).stdout);
    const causes = after.nodes.flatMap(
      (n: { causes: { kind: string; file?: string }[] }) => n.causes,
    );
    expect(causes).toContainEqual(expect.objectContaining({ kind: "code", file: "src/helper.ts" }));
  });

  test("--parallel runs in worker threads with the same results", () => {
    const dir = tinyProject();
    const r = cli(["run", "--parallel", "2", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nodes.map((n: { status: string }) => n.status)).toEqual([
      "ran",
      "ran",
    ]);
    expect(JSON.parse(readFileSync(join(dir, "out/stats.json"), "utf8"))).toEqual({ total: 30 });
    expect(cli(["run", "--parallel", "0"], { cwd: dir }).code).toBe(2);
  });

  test("filters select nodes; a failing node exits 1 with its name", () => {
    const dir = tinyProject();
    const only = JSON.parse(cli(["run", "--json", "--tags", "prep"], { cwd: dir }).stdout);
    expect(only.nodes.map((n: { name: string }) => n.name)).toEqual(["clean_rows"]);
    writeFileSync(join(dir, "data/raw.csv"), "id,value\n1,ten\n");
    const r = cli(["run"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/raw/);
  });
});

describe("compile, diff, runs", () => {
  test("compile --target local writes a valid plan; diff explains a param change", () => {
    const dir = tinyProject();
    expect(cli(["compile", "--out", "a.json"], { cwd: dir }).code).toBe(0);
    expect(
      PlanSchema.safeParse(JSON.parse(readFileSync(join(dir, "a.json"), "utf8"))).success,
    ).toBe(true);
    expect(
      cli(["compile", "--out", "b.json", "--params", "stats.scale=5"], { cwd: dir }).code,
    ).toBe(0);
    const d = JSON.parse(cli(["diff", "a.json", "b.json", "--json"], { cwd: dir }).stdout);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.invalidated).toEqual(["summarise"]);
    expect(d.changed[0].causes).toEqual([
      expect.objectContaining({ kind: "param", old: 2, new: 5 }),
    ]);
    expect(cli(["diff", "a.json", "b.json"], { cwd: dir }).stdout).toContain(
      "~ summarise (cache invalidated)",
    );
  });

  test("compile --json prints a summary with the plan hash", () => {
    const r = JSON.parse(
      cli(["compile", "--json", "--out", "p.json"], { cwd: tinyProject() }).stdout,
    );
    expect(r).toMatchObject({ target: "local", pipeline: "__default__", nodes: 2, out: "p.json" });
    expect(r.planHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("runs ls, show latest and diff", () => {
    const dir = tinyProject();
    cli(["run"], { cwd: dir });
    cli(["run", "--params", "stats.scale=4"], { cwd: dir });
    const list = JSON.parse(cli(["runs", "ls", "--json"], { cwd: dir }).stdout);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ pipeline: "__default__", status: "succeeded" });
    const latest = JSON.parse(cli(["runs", "show", "latest", "--json"], { cwd: dir }).stdout);
    expect(latest.params).toMatchObject({ stats: { scale: 4 } });
    const ids = list.map((r: { id: string }) => r.id).sort();
    const text = cli(["runs", "diff", ids[0], ids[1]], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("stats.scale");
  });
});

describe("run-node", () => {
  test("runs one node and refuses a plan hash from other code", () => {
    const dir = tinyProject();
    const compiled = JSON.parse(
      cli(["compile", "--json", "--out", "plan.json"], { cwd: dir }).stdout,
    );
    const ok = cli(
      [
        "run-node",
        "--node",
        "clean_rows",
        "--node",
        "summarise",
        "--plan-hash",
        compiled.planHash,
        "--run-id",
        "wf-1",
      ],
      { cwd: dir },
    );
    expect(ok.code).toBe(0);
    expect(existsSync(join(dir, "out/stats.json"))).toBe(true);
    const bad = cli(["run-node", "--node", "summarise", "--plan-hash", "0".repeat(64)], {
      cwd: dir,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr.split("\n")[0]).toMatch(/PLAN_HASH_MISMATCH/);
  });
});

describe("colour and streams", () => {
  test("NO_COLOR turns colour off; FORCE_COLOR on", () => {
    const dir = tinyProject();
    const plain = cli(["ls", "--pipeline", "__default__"], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("summarise");
    expect(plain.stdout).not.toContain("\x1b[");
    expect(
      cli(["ls", "--pipeline", "__default__"], {
        cwd: dir,
        env: { NO_COLOR: "", FORCE_COLOR: "1" },
      }).stdout,
    ).toContain("\x1b[");
  });

  test("ls --json lists pipelines, nodes, namespaces, tags, inputs and outputs", () => {
    const r = JSON.parse(
      cli(["ls", "--json", "--pipeline", "__default__"], { cwd: tinyProject() }).stdout,
    );
    expect(r.pipelines[0].nodes[1]).toEqual({
      name: "summarise",
      namespace: null,
      tags: [],
      inputs: ["clean", "params:stats.scale"],
      outputs: ["stats"],
    });
  });
});

describe("init", () => {
  test("scaffolds a project that runs", () => {
    const parent = makeProject({});
    const r = cli(["init", "fresh"], { cwd: parent });
    expect(r.code).toBe(0);
    const dir = join(parent, "fresh");
    const run = cli(["run"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "data/02_output/summary.json"), "utf8"))).toEqual({
      count: 3,
      mean: 11.75 / 3,
    });
    expect(cli(["init", "fresh"], { cwd: parent }).code).toBe(2);
    for (const f of ["tsconfig.json", ".gitignore", ".dockerignore", "Dockerfile", "README.md"])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.dependencies.pipewright).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies.typescript).toBeDefined();
  });

  test("--packages needs a folder holding every pipewright tarball", () => {
    const parent = makeProject({ "tarballs/pipewright-core-0.1.0.tgz": "not really a tarball" });
    const missing = cli(["init", "a", "--packages", "nowhere"], { cwd: parent });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--packages");
    const partial = cli(["init", "b", "--packages", "tarballs"], { cwd: parent });
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain("lacks the tarball of pipewright, @pipewright/io");
    expect(existsSync(join(parent, "b"))).toBe(false);
  });
});
