import { groupTasks, planHash } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { compileAirflow } from "../src/index.ts";
import { expectMatchesPlan } from "./check.ts";
import { smallPlan } from "./fixtures.ts";
import { ARGV_DUMP, PYTHON, runDag } from "./support.ts";

const kube = { image: "registry.example.com/small:1.0" };
// The binary on PATH in the image, never npx (issue #13).
const COMMAND = ["pipewright"];

describe("the emitted DAG, run against a recording stand-in for Airflow", () => {
  for (const version of [2, 3] as const) {
    it(`builds one KubernetesPodOperator per node with the plan's edges (Airflow ${version})`, () => {
      const plan = smallPlan();
      const recorded = runDag(compileAirflow(plan, { ...kube, airflowVersion: version }), {
        version,
      });
      const byTask = expectMatchesPlan(plan, recorded, {
        kind: "KubernetesPodOperator",
        command: COMMAND,
      });
      expect(recorded.groups).toEqual([{ id: "features", parent: null }]);
      expect([...byTask.values()].map((t) => t.task_id)).toEqual([
        "ingest",
        "features.clean",
        "features.scale",
        "train",
        "report",
      ]);
      const ingest = byTask.get("ingest")!.kwargs;
      expect(ingest.retries).toBe(3);
      // The node's timeout plus the start-up allowance (issue #13): run-node enforces the 600.
      expect(ingest.execution_timeout).toEqual({ seconds: 600 + 300 });
      expect(ingest.do_xcom_push).toBe(false);
      expect(ingest.on_finish_action).toBe("delete_pod");
      expect(ingest.image).toBe(kube.image);
      expect(byTask.get("train")!.kwargs.container_resources).toEqual({
        requests: { cpu: "2", memory: "4Gi" },
        limits: { memory: "4Gi", "nvidia.com/gpu": "1" },
      });
      expect(byTask.get("features.scale")!.kwargs.container_resources).toEqual({
        requests: { cpu: "500m", memory: "1Gi" },
        limits: { memory: "1Gi" },
      });
      expect(byTask.get("report")!.kwargs.container_resources).toBeNull();
      // Tasks without their own retries take the DAG's default_args.
      expect(byTask.get("report")!.kwargs.retries).toBe(0);
    });

    it(`builds BashOperators that really run the command in bash (Airflow ${version})`, () => {
      const plan = smallPlan();
      const command = [PYTHON, ARGV_DUMP];
      const dag = compileAirflow(plan, {
        operator: "bash",
        projectDir: "/tmp",
        command,
        airflowVersion: version,
        storage: { cache: "s3://bucket/cache/" },
        env: { EXTRA: "1" },
      });
      const recorded = runDag(dag, { version, execBash: true });
      const byTask = expectMatchesPlan(plan, recorded, { kind: "BashOperator", command });
      const run = JSON.parse(byTask.get("train")!.executed!.stdout);
      expect(run.cwd).toBe("/tmp");
      expect(run.env.PIPEWRIGHT_CACHE).toBe("s3://bucket/cache/");
      expect(run.env.EXTRA).toBe("1");
      expect(byTask.get("train")!.kwargs.skip_on_exit_code).toBeNull();
      expect(byTask.get("train")!.kwargs.append_env).toBe(true);
      expect(byTask.get("train")!.kwargs.do_xcom_push).toBe(false);
    });
  }

  it("sets the DAG's schedule, start date, catchup, tags, limits, defaults and docs", () => {
    const plan = smallPlan();
    const dag = compileAirflow(plan, {
      ...kube,
      dagId: "small_daily",
      schedule: "0 3 * * *",
      startDate: "2025-02-28",
      catchup: true,
      tags: ["team-a", "ml"],
      maxActiveTasks: 4,
      retries: 2,
      retryDelaySeconds: 60,
      timeoutSeconds: 3600,
      pool: "pipewright",
      queue: "kubernetes",
    });
    const { dags, tasks } = runDag(dag);
    expect(dags[0]!.dag_id).toBe("small_daily");
    const k = dags[0]!.kwargs;
    expect(k.schedule).toBe("0 3 * * *");
    expect(k.start_date).toBe("2025-02-28T00:00:00+00:00");
    expect(k.catchup).toBe(true);
    expect(k.tags).toEqual(["team-a", "ml"]);
    expect(k.max_active_tasks).toBe(4);
    expect(k.default_args).toEqual({
      retries: 2,
      retry_delay: { seconds: 60 },
      // Airflow owns retries, with backoff; the timeout gets the start-up allowance (300s).
      retry_exponential_backoff: true,
      execution_timeout: { seconds: 3600 + 300 },
      pool: "pipewright",
      queue: "kubernetes",
    });
    expect(k.doc_md).toContain(planHash(plan));
    expect(k).not.toHaveProperty("schedule_interval");
    const report = tasks.find((t) => t.task_id === "report")!.kwargs;
    expect(report).toMatchObject({
      retries: 2,
      pool: "pipewright",
      queue: "kubernetes",
      execution_timeout: { seconds: 3600 + 300 },
    });
    // A node's own retries and timeout win over the DAG's defaults.
    expect(tasks.find((t) => t.task_id === "ingest")!.kwargs).toMatchObject({
      retries: 3,
      execution_timeout: { seconds: 600 + 300 },
    });
  });

  it("passes secrets as Kubernetes references and storage settings as env vars", () => {
    const dag = compileAirflow(smallPlan(), {
      ...kube,
      namespace: "data",
      serviceAccountName: "pipewright-runner",
      onFinishAction: "keep_pod",
      storage: {
        cache: "s3://bucket/cache",
        endpoint: "http://minio:9000",
        region: "eu-west-1",
        credentialsSecret: "s3-credentials",
      },
      secretEnv: { DB_PASSWORD: { secret: "db", key: "password" } },
      env: { LOG_LEVEL: "debug" },
      extraArgs: ["--params", "scale.factor=3"],
    });
    const recorded = runDag(dag);
    expectMatchesPlan(smallPlan(), recorded, {
      kind: "KubernetesPodOperator",
      command: COMMAND,
      extraArgs: ["--params", "scale.factor=3"],
    });
    const k = recorded.tasks[0]!.kwargs;
    expect(k.namespace).toBe("data");
    expect(k.service_account_name).toBe("pipewright-runner");
    expect(k.on_finish_action).toBe("keep_pod");
    expect(k.env_vars).toEqual({
      PIPEWRIGHT_STATE_DIR: "/tmp/pipewright",
      PIPEWRIGHT_CACHE: "s3://bucket/cache",
      AWS_ENDPOINT_URL: "http://minio:9000",
      AWS_REGION: "eu-west-1",
      LOG_LEVEL: "debug",
    });
    expect(k.secrets).toEqual([
      {
        deploy_type: "env",
        deploy_target: "AWS_ACCESS_KEY_ID",
        secret: "s3-credentials",
        key: "AWS_ACCESS_KEY_ID",
      },
      {
        deploy_type: "env",
        deploy_target: "AWS_SECRET_ACCESS_KEY",
        secret: "s3-credentials",
        key: "AWS_SECRET_ACCESS_KEY",
      },
      { deploy_type: "env", deploy_target: "DB_PASSWORD", secret: "db", key: "password" },
    ]);
  });

  it("groups nodes into tasks with groupTasks (namespace, tag) and keeps the edges", () => {
    const plan = smallPlan();
    for (const group of [{ by: "namespace" }, { by: "tag" }] as const) {
      const recorded = runDag(compileAirflow(plan, { ...kube, group }));
      expectMatchesPlan(plan, recorded, { kind: "KubernetesPodOperator", command: COMMAND, group });
    }
    const byNs = runDag(compileAirflow(plan, { ...kube, group: { by: "namespace" } }));
    expect(byNs.tasks.map((t) => t.task_id)).toEqual(["ingest", "features", "train", "report"]);
    const byTag = runDag(compileAirflow(plan, { ...kube, group: { by: "tag" } }));
    expect(byTag.tasks.map((t) => t.task_id)).toEqual(["ingest", "features.tag_prep", "tag_ml"]);
    // The fused task asks for the largest request among its nodes.
    expect(byTag.tasks[2]!.kwargs.container_resources.requests).toEqual({
      cpu: "2",
      memory: "4Gi",
    });
    expect(groupTasks(plan, { by: "tag" })).toHaveLength(3);
  });

  it("names the pipeline given to run-node when it differs from the plan's", () => {
    const plan = smallPlan();
    const recorded = runDag(compileAirflow(plan, { ...kube, pipeline: "__default__" }));
    expectMatchesPlan(plan, recorded, {
      kind: "KubernetesPodOperator",
      command: COMMAND,
      pipeline: "__default__",
    });
  });
});
