// What a cluster user needs beyond a DAG (issue #13), checked on the DAG file as the
// recording stand-in for Airflow builds and renders it: retries with backoff, deadlines
// with a start-up allowance, pod settings per node, credentials from Secrets, and
// runtime params that "trigger with config" can change.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { kubeletExpand } from "../../../test/engine/kubelet.ts";
import { type AirflowOptions, compileAirflow } from "../src/index.ts";
import { productionPlan } from "./production-plan.ts";
import { ARGV_DUMP, expectGolden, PYTHON, pyCompile, type Recorded, runDag } from "./support.ts";

const here = dirname(fileURLToPath(import.meta.url));

const production: AirflowOptions = {
  image: "registry.example.com/prod:1.0",
  retries: 1,
  maxRetryDelaySeconds: 3600,
  startupSeconds: 120,
  pod: {
    serviceAccountName: "pipelines",
    securityContext: { runAsNonRoot: true, runAsUser: 1000 },
    containerSecurityContext: { readOnlyRootFilesystem: true },
    imagePullSecrets: ["registry"],
    volumes: [{ name: "tmp", mountPath: "/tmp", emptyDir: {} }],
    overrides: [
      {
        match: { tags: ["gpu"] },
        nodeSelector: { "nvidia.com/gpu.present": "true" },
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
      },
      {
        match: { namespace: "science" },
        volumes: [
          { name: "models", mountPath: "/models", persistentVolumeClaim: { claimName: "models" } },
        ],
        secretEnv: { WANDB_API_KEY: { secret: "wandb", key: "api-key" } },
        envFrom: [{ configMapRef: "tracking" }],
      },
    ],
  },
  credentials: { lake: { secret: "lake-s3" }, work: { secret: "work-s3", mount: "file" } },
};

const task = (r: Recorded, id: string) => r.tasks.find((t) => t.task_id === id)!;

/** run-node's value of `--params name=...` as a pod receives it: after the kubelet, read as YAML. */
function paramValue(args: string[], name: string, env: Record<string, string> = {}): unknown {
  const i = args.lastIndexOf("--params");
  const text = kubeletExpand(args[i + 1]!, new Map(Object.entries(env)));
  expect(text.startsWith(`${name}=`)).toBe(true);
  return YAML.parse(text.slice(name.length + 1));
}

describe("airflow in production", () => {
  it("golden: pod settings, credentials, runtime params (Airflow 3, kubernetes)", () => {
    const text = compileAirflow(productionPlan(), production);
    pyCompile(text);
    expectGolden(text, join(here, "golden", "production-airflow3-kubernetes.py"));
  });

  it("one retry owner: Airflow retries with exponential backoff; deadline = timeout + start-up", () => {
    const r = runDag(compileAirflow(productionPlan(), production));
    expect(r.dags[0]!.kwargs.default_args).toMatchObject({
      retries: 1,
      retry_exponential_backoff: true,
      max_retry_delay: { seconds: 3600 },
    });
    expect(task(r, "clean").kwargs).toMatchObject({
      retries: 2,
      execution_timeout: { seconds: 5 + 120 },
    });
  });

  for (const version of [2, 3] as const) {
    it(`pod settings per node, through the provider's own argument names (Airflow ${version})`, () => {
      const r = runDag(
        compileAirflow(productionPlan(), { ...production, airflowVersion: version }),
        {
          version,
        },
      );
      const clean = task(r, "clean").kwargs;
      expect(clean.service_account_name).toBe("pipelines");
      expect(clean.security_context).toEqual({ runAsNonRoot: true, runAsUser: 1000 });
      expect(clean.container_security_context).toEqual({ readOnlyRootFilesystem: true });
      expect(clean.image_pull_secrets).toEqual([{ name: "registry" }]);
      expect(clean.node_selector).toBeUndefined();
      const train = task(r, "science.train").kwargs;
      expect(train.node_selector).toEqual({ "nvidia.com/gpu.present": "true" });
      expect(train.tolerations).toEqual([
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      ]);
      expect(train.affinity).toEqual({
        nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] },
      });
      expect(train.volumes).toEqual(
        expect.arrayContaining([
          { name: "tmp", empty_dir: {} },
          { name: "models", persistent_volume_claim: { claim_name: "models" } },
        ]),
      );
      expect(train.volume_mounts).toEqual(
        expect.arrayContaining([
          { name: "tmp", mount_path: "/tmp" },
          { name: "models", mount_path: "/models" },
        ]),
      );
      expect(train.secrets).toContainEqual({
        deploy_type: "env",
        deploy_target: "WANDB_API_KEY",
        secret: "wandb",
        key: "api-key",
      });
      expect(train.env_from).toContainEqual({ config_map_ref: { name: "tracking" } });
    });
  }

  it("credentials: each named entry from its Secret (env or file), in every pod", () => {
    const r = runDag(compileAirflow(productionPlan(), production));
    const clean = task(r, "clean").kwargs;
    expect(clean.env_from).toEqual([
      { prefix: "PIPEWRIGHT_CREDENTIALS__lake__", secret_ref: { name: "lake-s3" } },
    ]);
    expect(clean.volumes).toContainEqual({
      name: "pw-cred-2-work",
      secret: { secret_name: "work-s3" },
    });
    expect(clean.volume_mounts).toContainEqual({
      name: "pw-cred-2-work",
      mount_path: "/var/run/secrets/pipewright/credentials/work",
      read_only: true,
    });
    expect(task(r, "clean").rendered.env_vars.PIPEWRIGHT_CREDENTIALS_DIR).toBe(
      "/var/run/secrets/pipewright/credentials",
    );
    // Every pod: run-node loads the whole catalog, which checks each credentials name.
    expect(task(r, "report").kwargs.env_from).toEqual(clean.env_from);
    expect(compileAirflow(productionPlan(), { image: "x:1" })).toMatch(
      /# {3}"lake" used by "clean"/,
    );
  });

  it("runtime params: a DAG param, the run's value given to run-node exactly, in every task", () => {
    const text = compileAirflow(productionPlan(), production);
    const defaults = runDag(text);
    const p = defaults.dags[0]!.kwargs.params["run.day"];
    expect(p).toEqual({
      value: "2026-01-31",
      description: expect.stringContaining("run.day"),
      schema: { type: "string" },
    });
    for (const t of defaults.tasks)
      expect(paramValue(t.rendered.arguments, "run.day")).toBe("2026-01-31");
    // Trigger with config: the value reaches run-node as given, even one Kubernetes or
    // Jinja would otherwise rewrite.
    const hostile = `$(HOME) $$ '"<&> {{ x }} ünï`;
    const triggered = runDag(text, { conf: { "run.day": hostile } });
    const args = task(triggered, "report").rendered.arguments as string[];
    expect(paramValue(args, "run.day", { HOME: "/root" })).toBe(hostile);
  });

  it("runtime params with BashOperator: through the environment, like the run id", () => {
    const text = compileAirflow(productionPlan(), {
      operator: "bash",
      projectDir: "/tmp",
      command: [PYTHON, ARGV_DUMP],
    });
    const value = `it's "$HOME" \`x\``;
    const r = runDag(text, { execBash: true, conf: { "run.day": value } });
    const argv: string[] = JSON.parse(task(r, "report").executed!.stdout).argv;
    expect(argv.slice(-2, -1)).toEqual(["--params"]);
    expect(paramValue(argv, "run.day")).toBe(value);
  });

  it("state goes to PIPEWRIGHT_STATE_DIR in pods; bash only when asked", () => {
    const kube = runDag(compileAirflow(productionPlan(), production));
    expect(task(kube, "clean").rendered.env_vars.PIPEWRIGHT_STATE_DIR).toBe("/tmp/pipewright");
    const bash = compileAirflow(productionPlan(), { operator: "bash", projectDir: "/p" });
    expect(bash).not.toContain("PIPEWRIGHT_STATE_DIR");
  });

  it("refuses pod settings without Kubernetes, Jinja in pod fields, and conflicting groups", () => {
    expect(() =>
      compileAirflow(productionPlan(), {
        operator: "bash",
        projectDir: "/p",
        pod: { nodeSelector: { a: "b" } },
        credentials: { lake: { secret: "s" } },
      }),
    ).toThrow(
      /pod: needs the kubernetes operator[\s\S]*credentials: needs the kubernetes operator/,
    );
    expect(() =>
      compileAirflow(productionPlan(), { image: "x:1", pod: { nodeSelector: { a: "{{ x }}" } } }),
    ).toThrow(/pod\.nodeSelector\.a: "\{\{ x \}\}" contains a Jinja marker/);
    const plan = productionPlan();
    for (const n of plan.nodes) n.namespace = "all";
    expect(() =>
      compileAirflow(plan, {
        image: "x:1",
        group: { by: "namespace" },
        pod: {
          overrides: [
            { match: { nodes: ["clean"] }, nodeSelector: { pool: "a" } },
            { match: { nodes: ["report"] }, nodeSelector: { pool: "b" } },
          ],
        },
      }),
    ).toThrow(expect.objectContaining({ code: "POD_CONFLICT" }));
  });
});
