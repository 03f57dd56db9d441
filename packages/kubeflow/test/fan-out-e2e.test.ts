// The daily-events example end to end through its Kubeflow pipeline file: compiled by the
// real CLI, then every task run as its own process by the test harness (support/kfp-run.ts)
// — the listing writes its batches, each ParallelFor iteration runs one batch, the fan-in
// runs last — and the outputs compared byte for byte with a local `pipewright run`.
// All pods share the project copy, as they would share the claim mounted over data/.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyProject } from "../../../examples/test-support/project.ts";
import { runPipeline } from "./support/kfp-run.ts";

const EXAMPLE = join(import.meta.dirname, "../../../examples/daily-events");
const BIN = join(import.meta.dirname, "../../cli/bin/pipewright.cjs");

/** Every output file of a run, by path relative to data/, with its bytes. */
function outputs(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const sub of ["02_intermediate/events", "03_primary/daily_stats", "08_reporting"])
    for (const f of readdirSync(join(dir, "data", sub)).sort())
      out[`${sub}/${f}`] = readFileSync(join(dir, "data", sub, f), "utf8");
  return out;
}

describe("daily-events on Kubeflow, every task a process", { timeout: 300_000 }, () => {
  const kfp = copyProject(EXAMPLE);
  const local = copyProject(EXAMPLE);
  afterAll(() => {
    kfp.remove();
    local.remove();
  });

  it("lists, runs three batches per map node, fans in, and matches a local run", async () => {
    const config = join(kfp.dir, "pipewright.config.ts");
    const target = {
      image: "ghcr.io/example/daily-events:0.1.0",
      command: [process.execPath, BIN],
      workingDir: kfp.dir,
      fanOut: { maxBatches: 3 },
      pod: {
        volumes: [
          {
            name: "data",
            mountPath: join(kfp.dir, "data"),
            persistentVolumeClaim: { claimName: "daily-events-data" },
          },
        ],
      },
    };
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace(
        "targets: {",
        `targets: {\n    kubeflow: ${JSON.stringify(target)},`,
      ),
    );
    const compiled = await kfp.cli("compile", "--target", "kubeflow", "--out", "kfp.yaml");
    expect(compiled.code, compiled.stderr).toBe(0);
    const executed = runPipeline(readFileSync(join(kfp.dir, "kfp.yaml"), "utf8"));
    expect(executed.map((e) => e.path)).toEqual([
      "clean-events-list",
      "clean-events/0/clean-events",
      "clean-events/1/clean-events",
      "clean-events/2/clean-events",
      "aggregate-day-list",
      "aggregate-day/0/aggregate-day",
      "aggregate-day/1/aggregate-day",
      "aggregate-day/2/aggregate-day",
      "build-report",
    ]);
    expect(executed[1]!.argv.join(" ")).toMatch(/--batch 0\/3@[0-9a-f]{16}$/);
    const ran = await local.cli("run");
    expect(ran.code, ran.stderr).toBe(0);
    expect(outputs(kfp.dir)).toEqual(outputs(local.dir));
    expect(Object.keys(outputs(kfp.dir))).toHaveLength(7 + 7 + 2);
  });
});
