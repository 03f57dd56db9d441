import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyProject } from "../../../test-support/project.ts";

// The real CLI, spawned in a copy of this project.
const project = copyProject(join(import.meta.dirname, ".."));
afterAll(() => project.remove());

const readJson = (path: string) => JSON.parse(readFileSync(join(project.dir, path), "utf8"));
const run = (...args: string[]) => project.json("run", ...args);
const statuses = (record: { nodes: { name: string; status: string }[] }) =>
  Object.fromEntries(record.nodes.map((n) => [n.name, n.status]));

describe("team B runs the shared feature pipeline", { timeout: 300_000 }, () => {
  it("runs it on its JSON Lines orders into its own JSON dataset", async () => {
    const record = await run();
    expect(statuses(record)).toEqual({
      "web.clean_transactions": "ran",
      "web.build_customer_features": "ran",
      flag_churn_risk: "ran",
    });
    const features = readJson("data/04_feature/web_customer_features.json");
    expect(features).toHaveLength(40);
    expect(Object.keys(features[0]).sort()).toEqual([
      "customer_id",
      "days_since_last_order",
      "max_spend",
      "mean_spend",
      "orders",
      "share_add_on",
      "share_subscription",
      "total_spend",
    ]);
    expect(readJson("data/08_reporting/churn_summary.json")).toEqual({
      customers: 40,
      at_risk: 2,
      share_at_risk: 0.05,
    });
    expect(readJson("data/07_model_output/churn_risk.json")).toHaveLength(2);
  });

  it("runs again with everything cached", async () => {
    expect(Object.values(statuses(await run()))).toEqual(["cached", "cached", "cached"]);
  });

  it("feeds its team-wide limit into the shared pipeline's cleaning step", async () => {
    const status = await project.json("status", "--params", "limits.max_order_value=20");
    const byName = Object.fromEntries(status.nodes.map((n: { name: string }) => [n.name, n]));
    expect(byName["web.clean_transactions"].causes).toEqual([
      expect.objectContaining({ kind: "param", name: "limits.max_order_value", old: 500, new: 20 }),
    ]);
    expect(byName["web.build_customer_features"].state).toBe("run");

    const record = await run("--params", "limits.max_order_value=20");
    expect(statuses(record)["web.clean_transactions"]).toBe("ran");
    // Orders above 20 dollars (the bigger subscription, gift cards) no longer count.
    expect(readJson("data/08_reporting/churn_summary.json")).not.toEqual({
      customers: 40,
      at_risk: 2,
      share_at_risk: 0.05,
    });
  });

  it("compiles the consumer's pipeline for Airflow with its own image", async () => {
    const r = await project.cli(
      "compile",
      "--target",
      "airflow",
      "--group",
      "memory",
      "--out",
      "out/team_b.py",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(project.dir, "out/team_b.py"), "utf8")).toContain(
      "ghcr.io/acme/team-b:0.1.0",
    );
  });
});
