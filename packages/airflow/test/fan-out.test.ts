// Map nodes fan out with Airflow's dynamic task mapping (docs/partitions.md): a listing
// task whose XCom is the list of batches, then `.partial(...).expand(...)` over it with
// one instance per batch, each running `run-node --batch`. Recorded by the stand-in for
// Airflow 2 and 3, and executed end to end with BashOperators on the daily-events example.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compile, dataset, node, partitioned, pipeline } from "@pipewright/core";
import { Catalog } from "@pipewright/io";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { copyProject } from "../../../examples/test-support/project.ts";
import { compileAirflow } from "../src/index.ts";
import { runDag } from "./support.ts";

const raw = partitioned("raw", z.array(z.number()));
const clean = partitioned("clean", z.array(z.number()));
const report = dataset("report", z.number());
const root = "/tmp";
const plan = compile(
  pipeline([
    node.map({
      name: "clean_day",
      over: { day: raw },
      outputs: { clean },
      run: ({ day }) => ({ clean: day }),
    }),
    node({
      name: "report",
      inputs: { clean },
      outputs: { report },
      run: ({ clean }) => ({ report: clean.size }),
    }),
  ]),
  {
    root,
    catalog: Catalog.fromEntries(
      {
        raw: { type: "json", uri: "s3://lake/raw/" },
        clean: { type: "json", uri: "s3://lake/clean/" },
        report: { type: "json", uri: "s3://lake/report.json" },
      },
      { root },
    ),
  },
);

describe("Airflow dynamic task mapping of map nodes", () => {
  for (const version of [2, 3] as const) {
    it(`KubernetesPodOperator: a listing pod, then .expand() over its XCom (Airflow ${version})`, () => {
      const py = compileAirflow(plan, {
        image: "registry.example.com/p:1",
        airflowVersion: version,
        fanOut: { maxBatches: 50 },
      });
      expect(py).toContain('FAN_OUT = {"clean_day": 50}');
      const recorded = runDag(py, { version });
      const byId = new Map(recorded.tasks.map((t) => [t.task_id, t]));
      const list = byId.get("clean_day__list")!;
      expect(list.kind).toBe("KubernetesPodOperator");
      expect(list.kwargs.do_xcom_push).toBe(true);
      expect(list.rendered.arguments.slice(-4)).toEqual([
        "--fan-out",
        "50",
        "--out",
        "/airflow/xcom/return.json",
      ]);
      const mapped = byId.get("clean_day")! as (typeof recorded.tasks)[number] & {
        mapped: Record<string, string>;
      };
      expect(mapped.mapped).toEqual({ arguments: "clean_day__list" });
      expect(mapped.kwargs.do_xcom_push).toBe(false);
      expect(byId.get("report")!.kwargs.arguments).toContain("report");
      expect(recorded.edges).toEqual([
        ["clean_day__list", "clean_day"],
        ["clean_day", "report"],
      ]);
    });
  }

  it("refuses more batches than Airflow's max_map_length", () => {
    expect(() =>
      compileAirflow(plan, { image: "registry.example.com/p:1", fanOut: { maxBatches: 2000 } }),
    ).toThrow(/fanOut.maxBatches: must be at most 1024/);
  });

  it("a plan without map nodes emits no mapping code", () => {
    const p = compile(
      pipeline([node({ name: "n", outputs: { report }, run: () => ({ report: 1 }) })]),
    );
    const py = compileAirflow(p, { image: "registry.example.com/p:1" });
    expect(py).not.toContain("FAN_OUT");
    expect(py).not.toContain(".expand(");
  });
});

describe("daily-events through the stand-in, executing every task", { timeout: 300_000 }, () => {
  const BIN = join(import.meta.dirname, "../../cli/bin/pipewright.cjs");
  const project = copyProject(join(import.meta.dirname, "../../../examples/daily-events"));
  afterAll(() => project.remove());

  for (const version of [3, 2] as const) {
    it(`lists, runs each batch as a mapped BashOperator, then fans in (Airflow ${version})`, async () => {
      const original = join(
        import.meta.dirname,
        "../../../examples/daily-events/pipewright.config.ts",
      );
      writeFileSync(
        join(project.dir, "pipewright.config.ts"),
        readFileSync(original, "utf8").replace(
          /airflow: \{[^}]*\}/,
          `airflow: { operator: "bash", airflowVersion: ${version}, projectDir: ${JSON.stringify(project.dir)}, command: ${JSON.stringify([process.execPath, BIN])}, fanOut: { maxBatches: 3 } }`,
        ),
      );
      const out = await project.cli("compile", "--target", "airflow", "--out", "dag.py");
      expect(out.code, out.stderr).toBe(0);
      const recorded = runDag(readFileSync(join(project.dir, "dag.py"), "utf8"), {
        version,
        execBash: true,
        runId: `manual__v${version}`,
      });
      const byId = new Map(recorded.tasks.map((t) => [t.task_id, t as any]));
      const list = byId.get("clean_events__list");
      expect(list.kind).toBe("PythonOperator");
      expect(list.returned).toHaveLength(3);
      const mapped = byId.get("clean_events");
      expect(mapped.instances).toBe(3);
      for (const run of mapped.executed) expect(run.code, run.stderr).toBe(0);
      expect(byId.get("aggregate_day").instances).toBe(3);
      expect(byId.get("build_report").executed.code).toBe(0);
      const summary = join(project.dir, "data/08_reporting/summary.json");
      expect(existsSync(summary)).toBe(true);
      expect(JSON.parse(readFileSync(summary, "utf8"))).toMatchObject({ days: 7 });
    });
  }
});
