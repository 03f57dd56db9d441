import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Kind } from "../../packages/runner/src/cache/log.ts";
import { editCacheLog } from "../../packages/runner/test/helpers.ts";
import { tinyProject } from "../cli/project.ts";
import { cli, makeProject } from "../support/cli.ts";

describe("status checks what run checks (issue #10, item 5)", () => {
  test("an overwritten output whose blob is corrupt: status says the node will run, and run runs it", () => {
    const dir = tinyProject();
    const first = JSON.parse(cli(["run", "--json"], { cwd: dir }).stdout);
    const hash = first.nodes.find((n: { name: string }) => n.name === "summarise").outputs.stats;
    writeFileSync(join(dir, "out/stats.json"), '{ "total": -1 }\n');
    // Small blobs live in the store's log, bigger ones in blobs/: corrupt it wherever it is.
    const file = join(dir, ".pipewright/cache/blobs", hash.slice(0, 2), hash);
    if (existsSync(file)) writeFileSync(file, "garbage");
    else
      editCacheLog(dir, (kind, id, data) =>
        kind === Kind.blob && id === hash ? Buffer.from("garbage") : data,
      );
    const status = JSON.parse(cli(["status", "--json"], { cwd: dir }).stdout);
    const summarise = status.nodes.find((n: { name: string }) => n.name === "summarise");
    expect(summarise.state).toBe("run");
    expect(summarise.causes[0].kind).toBe("missing-output");
    const again = JSON.parse(cli(["run", "--json"], { cwd: dir }).stdout);
    expect(again.nodes.find((n: { name: string }) => n.name === "summarise").status).toBe("ran");
    expect(JSON.parse(readFileSync(join(dir, "out/stats.json"), "utf8"))).toEqual({ total: 30 });
  });

  test("an overwritten output with an intact blob is restored: status and run both say cached", () => {
    const dir = tinyProject();
    cli(["run"], { cwd: dir });
    writeFileSync(join(dir, "out/stats.json"), '{ "total": -1 }\n');
    const status = JSON.parse(cli(["status", "--json"], { cwd: dir }).stdout);
    expect(status.nodes.map((n: { state: string }) => n.state)).toEqual(["cached", "cached"]);
    const again = JSON.parse(cli(["run", "--json"], { cwd: dir }).stdout);
    expect(again.nodes.map((n: { status: string }) => n.status)).toEqual(["cached", "cached"]);
    expect(JSON.parse(readFileSync(join(dir, "out/stats.json"), "utf8"))).toEqual({ total: 30 });
  });
});

// Twelve nodes with long names, all run by one task (issue #10, item 6).
const LONG = Array.from(
  { length: 12 },
  (_, i) => `a_rather_long_node_name_for_a_grouped_task_${i}`,
);

const groupProject = () =>
  makeProject({
    "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({ pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) } });
`,
    "conf/catalog.yaml": LONG.map((n) => `${n}_out:\n  type: json\n  path: out/${n}.json\n`).join(
      "",
    ),
    "src/pipeline.ts": `import { z } from "zod";
import { dataset, node, pipeline } from "@pipewright/core";
const names = ${JSON.stringify(LONG)};
export const all = pipeline(names.map((name, i) => node({ name, outputs: { o: dataset(name + "_out", z.number()) }, run: () => ({ o: i }) })));
`,
  });

describe("grouped run-node tasks and untrusted run ids (issue #10, item 6)", () => {
  test("a group of twelve long node names runs and writes a bounded run record", () => {
    const dir = groupProject();
    const args = ["run-node", ...LONG.flatMap((n) => ["--node", n]), "--run-id", "wf-1234"];
    const r = cli([...args, "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.nodes).toHaveLength(12);
    expect(record.id.length).toBeLessThanOrEqual(200);
    expect(record.id).toMatch(/^wf-1234-/);
    const shown = cli(["runs", "show", record.id, "--json"], { cwd: dir });
    expect(JSON.parse(shown.stdout).id).toBe(record.id);
  });

  test("a run id with a path separator or .. is refused before anything runs", () => {
    const dir = groupProject();
    for (const id of ["../../escape", "a/b", "..", "x".repeat(300)]) {
      const r = cli(["run-node", "--node", LONG[0]!, "--run-id", id], { cwd: dir });
      expect(r.code, id).toBe(2);
      expect(r.stderr).toMatch(/not a valid run id/);
    }
    expect(() => readFileSync(join(dir, "out", `${LONG[0]}.json`))).toThrow();
  });
});

describe("fingerprints are cached by file stamps (issue #10, item 1)", () => {
  test("an unchanged project reuses .pipewright/fingerprints.json; an edit rebuilds it", async () => {
    const dir = tinyProject();
    const state = join(dir, ".pipewright", "fingerprints.json");
    expect(cli(["run"], { cwd: dir }).code).toBe(0);
    // Stamps taken within two seconds of a change are not trusted (racily clean files).
    await new Promise((r) => setTimeout(r, 2100));
    expect(cli(["status"], { cwd: dir }).code).toBe(0);
    const settled = statSync(state).mtimeMs;
    expect(cli(["status"], { cwd: dir }).code).toBe(0);
    expect(statSync(state).mtimeMs).toBe(settled);
    const file = join(dir, "src/pipeline.ts");
    writeFileSync(file, `${readFileSync(file, "utf8")}\nexport const added = 1;\n`);
    const r = cli(["status", "--json"], { cwd: dir });
    expect(statSync(state).mtimeMs).toBeGreaterThan(settled);
    const causes = JSON.parse(r.stdout).nodes.flatMap((n: { causes: { file?: string }[] }) =>
      n.causes.map((c) => c.file),
    );
    expect(causes).toContain("src/pipeline.ts");
  });
});
