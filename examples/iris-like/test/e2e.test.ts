import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyProject } from "../../test-support/project.ts";

// The real CLI, spawned in a copy of this project: the README's workflow.
const project = copyProject(join(import.meta.dirname, ".."));
afterAll(() => project.remove());

const readJson = (path: string) => JSON.parse(readFileSync(join(project.dir, path), "utf8"));
const run = (...args: string[]) => project.json("run", ...args);
const statuses = (record: { nodes: { name: string; status: string }[] }) =>
  Object.fromEntries(record.nodes.map((n) => [n.name, n.status]));

const DEFAULT_SCORES = {
  accuracy: 0.9778,
  macro_f1: 0.9778,
  f1_setosa: 1,
  f1_versicolor: 0.9655,
  f1_virginica: 0.9677,
};

// Each step spawns the CLI; on a busy machine that takes seconds, so steps get room.
describe("iris-like: compare two parameter choices with runs diff", { timeout: 300_000 }, () => {
  const ids: string[] = [];

  it("runs with the params file and records the metrics", async () => {
    const record = await run();
    ids.push(record.id);
    expect(statuses(record)).toEqual({
      split_data: "ran",
      train_model: "ran",
      predict: "ran",
      evaluate: "ran",
    });
    expect(readJson("data/08_reporting/metrics.json")).toEqual(DEFAULT_SCORES);
    expect(record.nodes.find((n: { name: string }) => n.name === "evaluate").metrics).toEqual({
      metrics: DEFAULT_SCORES,
    });
  });

  it("reruns only predict and evaluate when k changes", async () => {
    const record = await run("--params", "model.k=15");
    ids.push(record.id);
    expect(statuses(record)).toEqual({
      split_data: "cached",
      train_model: "cached",
      predict: "ran",
      evaluate: "ran",
    });
    expect(readJson("data/08_reporting/metrics.json").accuracy).toBe(0.9556);
  });

  it("shows the changed param and the metrics side by side", async () => {
    const [a, b] = ids as [string, string];
    const diff = await project.json("runs", "diff", a, b);
    const params = Object.fromEntries(diff.params.map((p: { name: string }) => [p.name, p]));
    expect(params["model.k"]).toMatchObject({ a: 5, b: 15, changed: true });
    expect(params["split.seed"]).toMatchObject({ changed: false });
    const accuracy = diff.metrics.find((m: { name: string }) => m.name === "metrics.accuracy");
    expect(accuracy).toMatchObject({ node: "evaluate", a: 0.9778, b: 0.9556 });
    expect(accuracy.delta).toBeCloseTo(-0.0222, 10);

    const text = await project.cli("runs", "diff", a, b);
    expect(text.code, text.stderr).toBe(0);
    // One line per param and metric, with both runs' values side by side.
    const line = (name: string) =>
      text.stdout.split("\n").find((l) => l.trim().startsWith(`${name} `)) ?? "";
    expect(line("model.k")).toMatch(/\b5\s+15\b/);
    expect(line("metrics.accuracy")).toMatch(/0\.9778\s+0\.9556/);
  });

  it("explains a feature change: training reruns for the param, the rest for its input", async () => {
    const status = await project.json("status", "--params", "model.features=[sepal_width]");
    const byName = Object.fromEntries(status.nodes.map((n: { name: string }) => [n.name, n]));
    expect(byName.split_data.state).toBe("cached");
    expect(byName.train_model.causes).toEqual([
      expect.objectContaining({ kind: "param", name: "model.features", new: ["sepal_width"] }),
    ]);
    expect(byName.predict.causes.map((c: { kind: string }) => c.kind)).toContain("input");
    expect(byName.evaluate.state).toBe("run");

    const record = await run("--params", "model.features=[sepal_width]");
    expect(statuses(record).split_data).toBe("cached");
    expect(readJson("data/08_reporting/metrics.json").accuracy).toBe(0.5111);
  });

  it("rejects a feature the flowers do not have, before running anything", async () => {
    const r = await project.cli("run", "--params", "model.features=[stem_length]");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("model.features");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
