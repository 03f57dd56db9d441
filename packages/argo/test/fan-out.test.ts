// Map nodes fan out across pods (docs/partitions.md): a listing task whose output drives
// withParam, one pod per batch, then the fan-in. Checked by our structural rules and,
// when the shared validator is there, by Argo's own CRDs and controller rules.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, dataset, node, partitioned, pipeline } from "@pipewright/core";
import { Catalog } from "@pipewright/io";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileArgo } from "../src/index.ts";
import { ROOT } from "./support/fixtures.ts";
import { emit } from "./support/manifest.ts";

const VALIDATOR = join(ROOT, "..", "shared", "tools", "argo-validate.mjs");

function argoValidate(text: string): void {
  if (!existsSync(VALIDATOR)) return;
  const file = join(mkdtempSync(join(tmpdir(), "pw-argo-")), "manifest.yaml");
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, [VALIDATOR, file], { cwd: ROOT, encoding: "utf8" });
  expect(r.status, r.stdout + r.stderr).toBe(0);
}

const raw = partitioned("raw", z.array(z.number()));
const clean = partitioned("clean", z.array(z.number()));
const report = dataset("report", z.number());
const mapped = node.map({
  name: "clean_day",
  over: { day: raw },
  outputs: { clean },
  run: ({ day }) => ({ clean: day }),
});
const fanIn = node({
  name: "report",
  inputs: { clean },
  outputs: { report },
  run: ({ clean }) => ({ report: clean.size }),
});
const root = tmpdir();
const plan = compile(pipeline([mapped, fanIn]), {
  root,
  catalog: Catalog.fromEntries(
    {
      raw: { type: "json", uri: "s3://lake/raw/" },
      clean: { type: "json", uri: "s3://lake/clean/" },
      report: { type: "json", uri: "s3://lake/report.json" },
    },
    { root },
  ),
});

describe("Argo fan-out of map nodes", () => {
  it("lists, then runs one pod per batch with withParam, then fans in", () => {
    const { text, task, templates, param } = emit(plan, { fanOut: { maxBatches: 7 } });
    const list = task("clean-day-list");
    expect(list.template).toBe("list-partitions");
    expect(list.depends).toBeUndefined();
    const batch = task("clean-day");
    expect(batch).toMatchObject({
      template: "run-partitions",
      depends: "clean-day-list",
      withParam: "{{tasks.clean-day-list.outputs.parameters.batches}}",
    });
    expect(param(batch, "node")).toBe("clean_day");
    expect(param(batch, "batch")).toBe("{{item}}");
    expect(task("report")).toMatchObject({ template: "run-node", depends: "clean-day" });

    const lister = templates.get("list-partitions")!;
    expect(lister.container.args.slice(-4)).toEqual([
      "--fan-out",
      "7",
      "--out",
      "/tmp/pipewright-batches.json",
    ]);
    expect(lister.outputs.parameters).toEqual([
      { name: "batches", valueFrom: { path: "/tmp/pipewright-batches.json" } },
    ]);
    const runner = templates.get("run-partitions")!;
    expect(runner.container.args.slice(-2)).toEqual(["--batch", "{{inputs.parameters.batch}}"]);
    expect(runner.inputs.parameters.map((p: { name: string }) => p.name)).toEqual([
      "node",
      "batch",
    ]);
    argoValidate(text);
  });

  it("batches carry no memoize key (every item would share it)", () => {
    const { templates, task, param, text } = emit(plan, { memoize: { maxAge: "24h" } });
    expect(templates.get("run-partitions")!.memoize).toBeUndefined();
    expect(templates.get("list-partitions")!.memoize).toBeUndefined();
    expect(param(task("clean-day"), "memo-key")).toBeUndefined();
    expect(templates.get("run-node")!.memoize).toBeDefined();
    argoValidate(text);
  });

  it("a map node fused with others (group by memory) runs whole in one pod", () => {
    const p = compile(pipeline([mapped, fanIn]), {
      root,
      catalog: Catalog.fromEntries({ raw: { type: "json", uri: "s3://lake/raw/" } }, { root }),
    });
    const { tasks, text } = emit(p, { group: { by: "memory" } });
    expect(tasks.map((t) => t.template)).toEqual(["run-nodes-2"]);
    argoValidate(text);
  });

  it("every kind validates, and maxBatches is checked", () => {
    for (const kind of ["workflow", "template", "cron"] as const)
      argoValidate(
        compileArgo(plan, {
          image: "ghcr.io/acme/p:1",
          kind,
          ...(kind === "cron" && { schedules: ["0 3 * * *"] }),
        }),
      );
    expect(() =>
      compileArgo(plan, { image: "ghcr.io/acme/p:1", fanOut: { maxBatches: 0 } }),
    ).toThrow(/fanOut.maxBatches/);
  });
});
