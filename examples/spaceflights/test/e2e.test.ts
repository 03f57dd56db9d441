import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PlanSchema } from "@pipewright/core";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { copyProject } from "../../test-support/project.ts";

// The real CLI, spawned in a copy of this project: what a user gets from the README.
const project = copyProject(join(import.meta.dirname, ".."));
afterAll(() => project.remove());

const read = (path: string) => readFileSync(join(project.dir, path), "utf8");
const readJson = (path: string) => JSON.parse(read(path));
/** `pipewright run ... --json`: the run record. */
const run = (...args: string[]) => project.json("run", ...args);
const statuses = (run: { nodes: { name: string; status: string }[] }) =>
  Object.fromEntries(run.nodes.map((n) => [n.name, n.status]));

const CANDIDATE = ["candidate.split_data", "candidate.train_model", "candidate.evaluate_model"];

// Each step spawns the CLI; on a busy machine that takes seconds, so steps get room.
describe("spaceflights through the pipewright CLI", { timeout: 300_000 }, () => {
  it("lists the three pipelines and the namespaced nodes", async () => {
    const ls = await project.json("ls");
    expect(ls.pipelines.map((p: { name: string }) => p.name)).toEqual([
      "__default__",
      "data_processing",
      "data_science",
    ]);
    const nodes = ls.pipelines[0].nodes;
    expect(nodes).toHaveLength(9);
    expect(nodes.find((n: { name: string }) => n.name === "candidate.train_model")).toMatchObject({
      namespace: "candidate",
      tags: ["training"],
      inputs: expect.arrayContaining(["candidate.X_train", "candidate.y_train"]),
      outputs: ["candidate.regressor"],
    });
  });

  it("runs everything and writes every persistent dataset", async () => {
    const record = await run();
    for (const path of [
      "data/02_intermediate/preprocessed_companies.parquet",
      "data/02_intermediate/preprocessed_shuttles.parquet",
      "data/03_primary/model_input_table.parquet",
      "data/06_models/active/regressor.json",
      "data/06_models/candidate/regressor.json",
    ]) {
      expect(existsSync(join(project.dir, path)), path).toBe(true);
    }
    // In-memory intermediates are not written anywhere.
    expect(existsSync(join(project.dir, "data/05_model_input"))).toBe(false);
    // The data is seeded, so the scores are exact.
    expect(readJson("data/08_reporting/active/metrics.json")).toEqual({
      r2: 0.389,
      mae: 356.0735,
      max_error: 1510.671,
    });
    expect(readJson("data/08_reporting/candidate/metrics.json")).toEqual({
      r2: 0.4997,
      mae: 336.7352,
      max_error: 1262.6203,
    });
    expect(readJson("data/06_models/candidate/regressor.json").features).toContain(
      "review_scores_comfort",
    );

    expect(record.status).toBe("succeeded");
    expect(Object.values(statuses(record))).toEqual(Array(9).fill("ran"));
    // The run record is kept: `runs show` finds it, with the metrics of each model.
    const shown = await project.json("runs", "show", "latest");
    expect(shown.id).toBe(record.id);
    const evaluate = shown.nodes.find((n: { name: string }) => n.name === "active.evaluate_model");
    expect(evaluate.metrics).toEqual({
      "active.metrics": { r2: 0.389, mae: 356.0735, max_error: 1510.671 },
    });
  });

  it("runs again with everything cached", async () => {
    const status = await project.json("status");
    expect(status.nodes.every((n: { state: string }) => n.state === "cached")).toBe(true);
    expect(Object.values(statuses(await run()))).toEqual(Array(9).fill("cached"));
  });

  it("explains that a param change reruns only the candidate model, and why", async () => {
    const status = await project.json(
      "status",
      "--params",
      "candidate.model_options.test_size=0.25",
    );
    const byName = Object.fromEntries(status.nodes.map((n: { name: string }) => [n.name, n]));
    for (const [name, node] of Object.entries<{ state: string }>(byName)) {
      expect(node.state, name).toBe(CANDIDATE.includes(name) ? "run" : "cached");
    }
    expect(byName["candidate.split_data"].causes).toEqual([
      expect.objectContaining({
        kind: "param",
        name: "candidate.model_options.test_size",
        old: 0.3,
        new: 0.25,
      }),
    ]);
    for (const name of ["candidate.train_model", "candidate.evaluate_model"]) {
      expect(byName[name].causes.length, name).toBeGreaterThan(0);
      expect(
        byName[name].causes.every((c: { kind: string }) => c.kind === "input"),
        name,
      ).toBe(true);
    }
  });

  it("reruns only the candidate model when its param changes", async () => {
    const activeBefore = read("data/08_reporting/active/metrics.json");
    const s = statuses(await run("--params", "candidate.model_options.test_size=0.25"));
    for (const [name, status] of Object.entries(s))
      expect(status, name).toBe(CANDIDATE.includes(name) ? "ran" : "cached");
    expect(read("data/08_reporting/active/metrics.json")).toBe(activeBefore);
    expect(readJson("data/08_reporting/candidate/metrics.json").r2).toBe(0.4872);
  });

  it("runs the modelling pipeline alone from the stored table, restoring cached results", async () => {
    // Back to the params file's test_size: the earlier results are still in the cache.
    const record = await run("--pipeline", "data_science");
    expect(record.pipeline).toBe("data_science");
    expect(Object.values(statuses(record))).toEqual(Array(6).fill("cached"));
    expect(readJson("data/08_reporting/candidate/metrics.json").r2).toBe(0.4997);
  });

  it("compiles a valid local plan", async () => {
    const r = await project.cli("compile", "--target", "local", "--out", "out/plan.json");
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanSchema.parse(readJson("out/plan.json"));
    expect(plan.order).toHaveLength(9);
    expect(plan.datasets.find((d) => d.id === "candidate.regressor")!.storage).toMatchObject({
      type: "json",
      uri: "data/06_models/candidate/regressor.json",
    });
  });

  it("compiles for Argo with the in-memory intermediates fused into one task per model", async () => {
    // One task per node would have to move X_train & co. between pods: refused, clearly.
    const refused = await project.cli(
      "compile",
      "--target",
      "argo",
      "--group",
      "node",
      "--out",
      "out/argo.yaml",
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("MEMORY_CROSSES_TASK");
    expect(refused.stderr).toContain("--group memory");
    expect(existsSync(join(project.dir, "out/argo.yaml"))).toBe(false);

    // The project's config groups by memory for engines (targets.argo.group).
    const r = await project.cli("compile", "--target", "argo", "--out", "out/argo.yaml");
    expect(r.code, r.stderr).toBe(0);
    const manifest = YAML.parse(read("out/argo.yaml"));
    expect(manifest.kind).toBe("Workflow");
    expect(read("out/argo.yaml")).toContain("ghcr.io/example/spaceflights:0.1.0");
  });

  it("compiles an Airflow DAG with the configured image", async () => {
    const r = await project.cli(
      "compile",
      "--target",
      "airflow",
      "--group",
      "memory",
      "--out",
      "out/spaceflights.py",
    );
    expect(r.code, r.stderr).toBe(0);
    const dag = read("out/spaceflights.py");
    expect(dag).toContain("ghcr.io/example/spaceflights:0.1.0");
    expect(dag).toContain("candidate.train_model");
  });
});
