import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyProject } from "../../../test-support/project.ts";

// The real CLI, spawned in a copy of this project.
const project = copyProject(join(import.meta.dirname, ".."));
afterAll(() => project.remove());

const read = (path: string) => readFileSync(join(project.dir, path), "utf8");
const run = (...args: string[]) => project.json("run", ...args);
const statuses = (record: { nodes: { name: string; status: string }[] }) =>
  Object.fromEntries(record.nodes.map((n) => [n.name, n.status]));

const SHARED = [
  "retail.clean_transactions",
  "retail.build_customer_features",
  "retail.summarise_features",
];

describe("team A runs the shared feature pipeline", { timeout: 300_000 }, () => {
  it("lists the shared nodes under its namespace, with both teams' tags", async () => {
    const ls = await project.json("ls");
    const nodes = ls.pipelines.find((p: { name: string }) => p.name === "__default__").nodes;
    expect(nodes.map((n: { name: string }) => n.name)).toEqual([...SHARED, "segment_customers"]);
    expect(nodes[0]).toMatchObject({
      namespace: "retail",
      tags: ["features", "team-a"],
      inputs: ["orders", "params:retail.cleaning.max_amount"],
    });
  });

  it("runs it on its CSV orders into Parquet features, then its own segmentation", async () => {
    const record = await run();
    expect(Object.values(statuses(record))).toEqual(["ran", "ran", "ran", "ran"]);
    expect(JSON.parse(read("data/08_reporting/feature_summary.json"))).toEqual({
      customers: 60,
      transactions_kept: 580,
      transactions_dropped: 20,
      mean_total_spend: 1311.975,
    });
    // Parquet starts and ends with the magic bytes "PAR1".
    const parquet = readFileSync(join(project.dir, "data/04_feature/customer_features.parquet"));
    expect(parquet.subarray(0, 4).toString()).toBe("PAR1");
    const segments = read("data/07_model_output/customer_segments.csv").trim().split("\n");
    expect(segments[0]).toBe("customer_id,segment,total_spend");
    expect(segments).toHaveLength(61);
    expect(segments[1]).toBe("C001,vip,4537.75");
  });

  it("runs again with everything cached", async () => {
    expect(Object.values(statuses(await run()))).toEqual(["cached", "cached", "cached", "cached"]);
  });

  it("reruns only its own node when only its own param changes", async () => {
    const status = await project.json("status", "--params", "segments.vip_spend=3000");
    const byName = Object.fromEntries(status.nodes.map((n: { name: string }) => [n.name, n]));
    for (const name of SHARED) expect(byName[name].state, name).toBe("cached");
    expect(byName.segment_customers.causes).toEqual([
      expect.objectContaining({ kind: "param", name: "segments.vip_spend", old: 1500, new: 3000 }),
    ]);
  });

  it("reruns the shared pipeline when its namespaced param changes", async () => {
    const record = await run("--params", "retail.cleaning.max_amount=500");
    const s = statuses(record);
    expect(s["retail.clean_transactions"]).toBe("ran");
    expect(s.segment_customers).toBe("ran");
    expect(
      JSON.parse(read("data/08_reporting/feature_summary.json")).transactions_dropped,
    ).toBeGreaterThan(20);
  });

  it("compiles for Argo with the shared pipeline as one task, with its own image", async () => {
    // --group namespace: the retail.* nodes share a pod, so their in-memory
    // retail.clean_transactions never has to leave it.
    const r = await project.cli(
      "compile",
      "--target",
      "argo",
      "--group",
      "namespace",
      "--out",
      "out/team-a.yaml",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(read("out/team-a.yaml")).toContain("ghcr.io/acme/team-a:0.1.0");
  });
});
