// The CLI contract of issue 11, items 5 and 6: catalog typos cannot lose data, engine
// compiles warn about data that will not travel between pods, and every command reports
// errors the same way (codes, JSON, exit codes, did-you-mean, plain progress in logs).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BIN, cli, makeProject } from "../support/cli.ts";
import { tinyProject } from "./project.ts";

/** The tiny project without its deliberately broken second pipeline. */
function soundProject(extra: Record<string, string> = {}): string {
  return tinyProject({
    "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) } });
`,
    ...extra,
  });
}

const CATALOG_TYPO =
  "raw:\n  type: csv\n  path: data/raw.csv\nstat:\n  type: json\n  path: out/stats.json\n";

describe("catalog entries that match no dataset", () => {
  test("a misspelled entry is an error naming the entry and the closest dataset", () => {
    const dir = tinyProject({ "conf/catalog.yaml": CATALOG_TYPO });
    const r = cli(["run"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error [UNKNOWN_CATALOG_ENTRY] conf/catalog.yaml:4: catalog entry "stat" matches no dataset of any pipeline. Did you mean "stats"?',
    );
    // Nothing ran: the output that was meant to be saved is not silently kept in memory.
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(cli(["compile"], { cwd: dir }).code).toBe(1);
  });

  test("far from any dataset, the closest one is still named", () => {
    const dir = soundProject({
      "conf/catalog.yaml": `${CATALOG_TYPO.split("stat:")[0]}stats:\n  type: json\n  path: out/stats.json\nmodel_archive:\n  type: json\n  path: out/m.json\n`,
    });
    const r = cli(["compile"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/catalog entry "model_archive" .* The closest dataset is "\w+"\./);
  });

  test("an entry for a dataset of another pipeline is fine", () => {
    const dir = makeProject({
      "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({
  pipelines: {
    first: () => import("./src/p.ts").then((m) => m.first),
    second: () => import("./src/p.ts").then((m) => m.second),
  },
});
`,
      "conf/catalog.yaml":
        "a:\n  type: json\n  path: out/a.json\nb:\n  type: json\n  path: out/b.json\n",
      "src/p.ts": `import { z } from "zod";
import { dataset, node, pipeline } from "@pipewright/core";
const a = dataset("a", z.number());
const b = dataset("b", z.number());
export const first = pipeline([node({ name: "make_a", inputs: {}, outputs: { a }, run: () => ({ a: 1 }) })]);
export const second = pipeline([node({ name: "make_b", inputs: {}, outputs: { b }, run: () => ({ b: 2 }) })]);
`,
    });
    const r = cli(["run", "--pipeline", "first"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "out/a.json"))).toBe(true);
  });
});

describe("engine compiles warn about local paths", () => {
  const image = ["--image", "example/tiny:1"];

  test("a final output on a local path: warned on stderr and in --json", () => {
    const dir = tinyProject();
    const r = cli(["compile", "--target", "argo", ...image, "--group", "memory", "--json"], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'warning [LOCAL_FINAL_OUTPUT] dataset "stats" is a final output on a local path (out/stats.json)',
    );
    expect(JSON.parse(r.stdout).warnings).toEqual([
      expect.objectContaining({
        code: "LOCAL_FINAL_OUTPUT",
        dataset: "stats",
        path: "out/stats.json",
      }),
    ]);
  });

  test("a dataset crossing tasks on a local path, for Airflow too; s3:// is fine", () => {
    const dir = tinyProject({
      "conf/catalog.yaml":
        "raw:\n  type: csv\n  path: data/raw.csv\nclean:\n  type: json\n  path: out/clean.json\nstats:\n  type: json\n  uri: s3://bucket/stats.json\n",
    });
    for (const target of ["argo", "airflow"]) {
      const r = cli(["compile", "--target", target, ...image, "--json"], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const { warnings } = JSON.parse(r.stdout);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ code: "LOCAL_DATA_CROSSES_TASK", dataset: "clean" });
      expect(warnings[0].message).toContain(
        'written by task "clean_rows" and read by task "summarise"',
      );
    }
    // The local plan runs on one machine: nothing to warn about.
    const local = cli(["compile", "--json"], { cwd: dir });
    expect(JSON.parse(local.stdout).warnings).toEqual([]);
    expect(local.stderr).not.toContain("warning");
  });
});

describe("one way to report errors", () => {
  test("a failed node's data error carries its [CODE]", () => {
    const dir = tinyProject({ "data/raw.csv": "id,value\n1,ten\n" });
    const r = cli(["run"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[(DATA_VALIDATION|MALFORMED_DATA)\] .*dataset "raw"/m);
  });

  test("with --json, an error is a JSON object on stdout too", () => {
    const dir = tinyProject();
    const usage = cli(["run", "--json", "--pipeline", "nosuch"], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({
      error: expect.objectContaining({ code: "UNKNOWN_PIPELINE", exitCode: 2 }),
    });
    writeFileSync(join(dir, "conf/catalog.yaml"), CATALOG_TYPO);
    const data = cli(["compile", "--json"], { cwd: dir });
    expect(data.code).toBe(1);
    expect(JSON.parse(data.stdout).error).toMatchObject({
      code: "UNKNOWN_CATALOG_ENTRY",
      exitCode: 1,
      message: expect.stringContaining('"stat"'),
    });
    const noProject = cli(["status", "--json"], { cwd: "/" });
    expect(JSON.parse(noProject.stdout).error.code).toBe("CONFIG_NOT_FOUND");
    const badOption = cli(["ls", "--json", "--pipline", "x"], { cwd: dir });
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.stdout).error.message).toContain("Did you mean --pipeline?");
  });

  test("unknown options and subcommands get a did-you-mean, wherever they are", () => {
    const dir = tinyProject();
    const before = cli(["--verbos", "ls"], { cwd: dir });
    expect(before.code).toBe(2);
    expect(before.stderr).toContain(
      "unknown option --verbos before the command. Did you mean --verbose?",
    );
    expect(cli(["--vesion"], { cwd: dir }).stderr).toContain("Did you mean --version?");
    const sub = cli(["runs", "lss"], { cwd: dir });
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('unknown runs subcommand "lss". Did you mean "ls"?');
    expect(cli(["run", "--paralel", "2"], { cwd: dir }).stderr).toContain(
      "Did you mean --parallel?",
    );
  });

  test("exit code 2 for usage errors and 1 for everything else, on every command", () => {
    const dir = tinyProject();
    const usage: string[][] = [
      ["frobnicate"],
      ["ls", "--nope"],
      ["compile", "--target", "argoo"],
      ["run", "--pipeline", "nosuch"],
      ["status", "--env", "nosuch"],
      ["viz", "--format", "png"],
      ["diff", "only-one.json"],
      ["diff", "missing-a.json", "missing-b.json"],
      ["--cwd", "/no/such/folder", "ls"],
      ["runs", "show"],
      ["run-node"],
      ["init", "a", "b"],
      ["check", "--pipeline", "nosuch"],
    ];
    for (const args of usage) expect(cli(args, { cwd: dir }).code, args.join(" ")).toBe(2);
    const failures: [string[], string][] = [
      [["ls"], "/"],
      [["check"], "/"],
      [["diff", "conf/params.yaml", "conf/params.yaml"], dir],
      [["run", "--pipeline", "broken"], dir],
    ];
    for (const [args, cwd] of failures) expect(cli(args, { cwd }).code, args.join(" ")).toBe(1);
  });
});

describe("progress and wording", () => {
  test("when stderr is not a terminal, one line per node start and finish", () => {
    const r = cli(["run"], { cwd: tinyProject() });
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => /^[▸✓●✗]/.test(l));
    expect(lines.slice(0, 4)).toEqual([
      "▸ clean_rows started",
      expect.stringMatching(/^✓ clean_rows ran /),
      "▸ summarise started",
      expect.stringMatching(/^✓ summarise ran /),
    ]);
  });

  test('one node is "1 node"', () => {
    const dir = makeProject({
      "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { one: () => import("./src/p.ts").then((m) => m.one) } });
`,
      "src/p.ts": `import { z } from "zod";
import { dataset, node, pipeline } from "@pipewright/core";
const a = dataset("a", z.number());
export const one = pipeline([node({ name: "make_a", inputs: {}, outputs: { a }, run: () => ({ a: 1 }) })]);
`,
    });
    expect(cli(["ls"], { cwd: dir }).stdout).toContain("one  1 node, 1 dataset");
    expect(cli(["run"], { cwd: dir }).stderr).toContain("pipewright run one: 1 node\n");
    expect(cli(["status"], { cwd: dir }).stdout).toContain("0 of 1 node would run");
  });
});

describe("output into a pipe the reader closes early", () => {
  test("`pipewright ls --json | head -c 100` ends quietly with the command's exit code", () => {
    // 2,000 nodes: --json output far over a pipe's buffer, so the writer meets a closed pipe.
    const dir = makeProject({
      "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { __default__: () => import("./src/p.ts").then((m) => m.all) } });
`,
      "src/p.ts": `import { z } from "zod";
import { dataset, node, pipeline } from "@pipewright/core";
export const all = pipeline(Array.from({ length: 2000 }, (_, i) =>
  node({ name: \`node_with_a_long_name_\${i}\`, outputs: { o: dataset(\`output_dataset_\${i}\`, z.number()) }, run: () => ({ o: i }) })));
`,
    });
    const r = spawnSync(
      "sh",
      [
        "-c",
        `("${process.execPath}" "${BIN}" ls --json 2>err.txt; echo $? > code.txt) | head -c 100`,
      ],
      { cwd: dir, encoding: "utf8" },
    );
    expect(r.stdout).toHaveLength(100);
    expect(readFileSync(join(dir, "err.txt"), "utf8")).toBe("");
    expect(readFileSync(join(dir, "code.txt"), "utf8").trim()).toBe("0");
  });
});

test("an older Node.js gets a clear error before anything loads", () => {
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.10.0"})',
      BIN,
      "ls",
    ],
    { encoding: "utf8" },
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(
    "error [UNSUPPORTED_NODE] pipewright needs Node.js 20.15 or newer; this is 20.10.0. Install a newer Node.js (https://nodejs.org).\n",
  );
});
