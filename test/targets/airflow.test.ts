// The Airflow DAG files of the spaceflights example, for Airflow 3 and 2 and both
// operators, as golden files (test/targets/golden/airflow-*). Each also compiles with
// python3 and runs against the recording Airflow stand-in of packages/airflow, which
// checks that its tasks, commands and edges are the plan's. docs/targets/airflow.md
// shows the Airflow 3 KubernetesPodOperator file.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "@pipewright/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type AirflowOptions, compileAirflow } from "../../packages/airflow/src/index.ts";
import { expectMatchesPlan } from "../../packages/airflow/test/check.ts";
import { ARGV_DUMP, expectGolden, PYTHON, runDag } from "../../packages/airflow/test/support.ts";
import { examplePlan, repoRoot } from "../support/example-plan.ts";

/** What docs/targets/airflow.md uses: the example's image, a namespace, storage and credentials. */
const SPACEFLIGHTS_AIRFLOW: AirflowOptions = {
  dagId: "spaceflights",
  pipeline: "__default__",
  image: "ghcr.io/example/spaceflights:0.1.0",
  namespace: "airflow",
  serviceAccountName: "pipewright",
  storage: { cache: "s3://spaceflights/cache", credentialsSecret: "spaceflights-s3" },
  schedule: "0 6 * * *",
  tags: ["pipewright", "spaceflights"],
  // The train/test splits are in-memory datasets: each namespace's split, train and
  // evaluate nodes must share one task.
  group: { by: "memory" },
};

const BASH: AirflowOptions = {
  dagId: "spaceflights",
  pipeline: "__default__",
  operator: "bash",
  projectDir: "/opt/airflow/projects/spaceflights",
  storage: { cache: "s3://spaceflights/cache" },
  schedule: "0 6 * * *",
  tags: ["pipewright", "spaceflights"],
  group: { by: "memory" },
};

const variants: [string, AirflowOptions][] = [
  ["v3-kubernetes", SPACEFLIGHTS_AIRFLOW],
  ["v2-kubernetes", { ...SPACEFLIGHTS_AIRFLOW, airflowVersion: 2 }],
  ["v3-bash", BASH],
  ["v2-bash", { ...BASH, airflowVersion: 2 }],
];

let plan: Plan;
beforeAll(async () => {
  plan = await examplePlan("spaceflights");
});

describe("airflow: spaceflights", () => {
  it.each(variants)("%s", (name, options) => {
    const text = compileAirflow(plan, options);
    expectGolden(text, join(import.meta.dirname, "golden", `airflow-spaceflights-${name}.py`));
    const version = options.airflowVersion ?? 3;
    if (options.operator === "bash") {
      // Run the real commands in bash, with a stand-in that prints what pipewright would get.
      const command = [PYTHON, ARGV_DUMP];
      const recorded = runDag(compileAirflow(plan, { ...options, command, projectDir: "/tmp" }), {
        version,
        execBash: true,
      });
      expectMatchesPlan(plan, recorded, {
        kind: "BashOperator",
        command,
        group: options.group!,
        pipeline: "__default__",
      });
    } else {
      const recorded = runDag(text, { version });
      const byTask = expectMatchesPlan(plan, recorded, {
        kind: "KubernetesPodOperator",
        command: ["pipewright"],
        group: options.group!,
        pipeline: "__default__",
      });
      expect([...byTask.values()].map((t) => t.task_id)).toEqual([
        "preprocess_companies",
        "preprocess_shuttles",
        "create_model_input_table",
        "active.split_data",
        "candidate.split_data",
      ]);
      expect(recorded.groups.map((g) => g.id)).toEqual(["active", "candidate"]);
    }
  });

  it("needs grouping by memory: its train/test splits are in-memory datasets", () => {
    expect(() => compileAirflow(plan, { ...SPACEFLIGHTS_AIRFLOW, group: { by: "node" } })).toThrow(
      expect.objectContaining({ code: "MEMORY_CROSSES_TASK" }),
    );
  });

  it("is the file docs/targets/airflow.md shows (UPDATE_GOLDEN=1 rewrites it there)", () => {
    const file = join(repoRoot, "docs/targets/airflow.md");
    const doc = readFileSync(file, "utf8");
    const marker =
      "<!-- spaceflights DAG: test/targets/golden/airflow-spaceflights-v3-kubernetes.py -->\n```python\n";
    const start = doc.indexOf(marker);
    expect(start, `${file} lost its marker line`).toBeGreaterThan(0);
    const from = start + marker.length;
    const to = doc.indexOf("```\n", from);
    const text = compileAirflow(plan, SPACEFLIGHTS_AIRFLOW);
    if (process.env.UPDATE_GOLDEN === "1")
      writeFileSync(file, doc.slice(0, from) + text + doc.slice(to));
    else expect(doc.slice(from, to)).toBe(text);
  });
});
