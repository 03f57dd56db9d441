// What a cluster user needs beyond a DAG (issue #13): one retry owner with backoff, pod
// deadlines with a start-up allowance, pod settings per node, credentials from Secrets,
// runtime params and a state dir a non-root user can write. Each manifest is also checked
// by Argo's own CRD schema and controller rules (../shared/tools/argo-validate.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ArgoOptions, compileArgo } from "../src/index.ts";
import { ROOT } from "./support/fixtures.ts";
import { expectGolden } from "./support/golden.ts";
import { emit, IMAGE } from "./support/manifest.ts";
import { productionPlan } from "./support/production-plan.ts";
import type { Doc } from "./support/rules.ts";

const VALIDATOR = join(ROOT, "..", "shared", "tools", "argo-validate.mjs");

/** Argo's own checks (v4 CRDs + controller rules), when the shared validator is there. */
function argoValidate(text: string): void {
  if (!existsSync(VALIDATOR)) return;
  const file = join(mkdtempSync(join(tmpdir(), "pw-argo-")), "manifest.yaml");
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, [VALIDATOR, file], { cwd: ROOT, encoding: "utf8" });
  expect(r.status, r.stdout + r.stderr).toBe(0);
}

const production: Partial<ArgoOptions> = {
  retries: 1,
  retryBackoff: { duration: "30s", factor: 3, maxDuration: "10m" },
  startupSeconds: 120,
  pod: {
    serviceAccountName: "pipelines",
    securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
    containerSecurityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    imagePullSecrets: ["registry"],
    volumes: [{ name: "tmp", mountPath: "/tmp", emptyDir: {} }],
    overrides: [
      {
        match: { tags: ["gpu"] },
        nodeSelector: { "nvidia.com/gpu.present": "true" },
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "pool", operator: "In", values: ["gpu"] }] },
              ],
            },
          },
        },
      },
      {
        match: { namespace: "science" },
        volumes: [
          {
            name: "models",
            mountPath: "/models",
            persistentVolumeClaim: { claimName: "models" },
          },
        ],
        secretEnv: { WANDB_API_KEY: { secret: "wandb", key: "api-key" } },
        envFrom: [{ configMapRef: "tracking" }],
      },
    ],
  },
  credentials: { lake: { secret: "lake-s3" }, work: { secret: "work-s3", mount: "file" } },
};

const templateOf = (r: ReturnType<typeof emit>, task: string): Doc =>
  r.templates.get(r.task(task).template)!;

describe("argo in production", () => {
  it("golden: pod settings, credentials, runtime params; valid for Argo", () => {
    const text = compileArgo(productionPlan(), { image: IMAGE, ...production });
    emit(productionPlan(), production);
    argoValidate(text);
    expectGolden(fileURLToPath(new URL("golden/production.yaml", import.meta.url)), text);
  });

  it("one retry owner: Argo retries with the configured backoff (run-node makes one attempt)", () => {
    const r = emit(productionPlan(), production);
    const t = templateOf(r, "clean");
    expect(t.retryStrategy).toEqual({
      limit: "{{inputs.parameters.retries}}",
      retryPolicy: "Always",
      backoff: { duration: "30s", factor: 3, maxDuration: "10m" },
    });
    expect(r.param(r.task("clean"), "retries")).toBe("2");
    // run-node is given no retry count: it never retries on its own.
    expect(t.container.args).not.toContain("--retries");
  });

  it("a node timeout becomes a pod deadline with the start-up allowance on top", () => {
    const r = emit(productionPlan(), production);
    expect(JSON.parse(r.param(r.task("clean"), "pod-spec-patch")!)).toEqual({
      activeDeadlineSeconds: 5 + 120,
    });
    const byDefault = emit(productionPlan(), { timeoutSeconds: 60 });
    expect(byDefault.templates.get("run-node")!.activeDeadlineSeconds).toBe(60 + 300);
  });

  it("pod settings per node: overrides by tag and namespace get their own template", () => {
    const r = emit(productionPlan(), production);
    const clean = templateOf(r, "clean");
    const train = templateOf(r, "science-train");
    expect(clean.name).not.toBe(train.name);
    expect(clean.serviceAccountName).toBe("pipelines");
    expect(clean.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    expect(clean.nodeSelector).toBeUndefined();
    expect(clean.container.securityContext).toEqual({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(train.nodeSelector).toEqual({ "nvidia.com/gpu.present": "true" });
    expect(train.tolerations).toHaveLength(1);
    expect(train.affinity.nodeAffinity).toBeDefined();
    expect(train.volumes.map((v: Doc) => v.name)).toEqual(
      expect.arrayContaining(["tmp", "models"]),
    );
    expect(train.container.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: "tmp", mountPath: "/tmp" },
        { name: "models", mountPath: "/models" },
      ]),
    );
    expect(train.container.env).toContainEqual({
      name: "WANDB_API_KEY",
      valueFrom: { secretKeyRef: { name: "wandb", key: "api-key" } },
    });
    expect(train.container.envFrom).toContainEqual({ configMapRef: { name: "tracking" } });
    expect(r.spec.imagePullSecrets).toEqual([{ name: "registry" }]);
  });

  it("credentials: each named entry comes from its Secret (env or file), never a value", () => {
    const r = emit(productionPlan(), production);
    const clean = templateOf(r, "clean").container;
    expect(clean.envFrom).toEqual([
      { prefix: "PIPEWRIGHT_CREDENTIALS__lake__", secretRef: { name: "lake-s3" } },
    ]);
    expect(clean.volumeMounts).toContainEqual({
      name: "pw-cred-2-work",
      mountPath: "/var/run/secrets/pipewright/credentials/work",
      readOnly: true,
    });
    expect(clean.env).toContainEqual({
      name: "PIPEWRIGHT_CREDENTIALS_DIR",
      value: "/var/run/secrets/pipewright/credentials",
    });
    // Every pod gets every mapped Secret: run-node loads the whole catalog, which checks
    // each credentials name it mentions.
    const report = templateOf(r, "report");
    expect(report.container.envFrom).toEqual(clean.envFrom);
    expect(report.volumes).toContainEqual({
      name: "pw-cred-2-work",
      secret: { secretName: "work-s3" },
    });
    expect(r.text).not.toMatch(/S3RVER|accessKeyId:|secretAccessKey:/);
    // Without a Secret for an entry, the header says where the pod must find it instead.
    const unmapped = emit(productionPlan(), {});
    expect(unmapped.text).toMatch(/"lake" used by "clean"/);
  });

  it("runtime params: a workflow parameter, passed to run-node unexpanded, out of memoize", () => {
    const r = emit(productionPlan(), { ...production, memoize: { maxAge: "1h" } });
    expect(r.spec.arguments.parameters).toEqual([
      {
        name: "run-day",
        value: "2026-01-31",
        description: "pipewright runtime param run.day, validated by its schema in every task",
      },
    ]);
    const report = templateOf(r, "report");
    expect(report.metadata.annotations).toEqual({
      "pipewright.dev/param.run-day": "{{workflow.parameters.run-day}}",
    });
    expect(report.container.env).toContainEqual({
      name: "PIPEWRIGHT_PARAM_1",
      valueFrom: {
        fieldRef: { fieldPath: "metadata.annotations['pipewright.dev/param.run-day']" },
      },
    });
    expect(report.container.args.slice(-2)).toEqual(["--params", "run.day=$(PIPEWRIGHT_PARAM_1)"]);
    // Argo's memoize cannot see the submitted value: the reader is not memoized, others are.
    expect(report.memoize).toBeUndefined();
    expect(r.param(r.task("report"), "memo-key")).toBeUndefined();
    expect(templateOf(r, "clean").memoize).toBeDefined();
  });

  it("state goes to PIPEWRIGHT_STATE_DIR, a place a non-root user can write", () => {
    const r = emit(productionPlan(), { stateDir: "/scratch/pipewright" });
    expect(r.templates.get("run-node")!.container.env).toContainEqual({
      name: "PIPEWRIGHT_STATE_DIR",
      value: "/scratch/pipewright",
    });
  });

  it("nodes sharing a pod with conflicting settings: POD_CONFLICT naming both", () => {
    expect(() =>
      compileArgo(productionPlan(), {
        image: IMAGE,
        group: { by: "namespace" },
        pod: {
          overrides: [
            { match: { nodes: ["clean"] }, serviceAccountName: "a" },
            { match: { nodes: ["report"] }, serviceAccountName: "b" },
          ],
        },
      }),
    ).not.toThrow();
    const plan = productionPlan();
    for (const n of plan.nodes) n.namespace = "all";
    expect(() =>
      compileArgo(plan, {
        image: IMAGE,
        group: { by: "namespace" },
        pod: {
          overrides: [
            { match: { nodes: ["clean"] }, serviceAccountName: "a" },
            { match: { nodes: ["report"] }, serviceAccountName: "b" },
          ],
        },
      }),
    ).toThrow(expect.objectContaining({ code: "POD_CONFLICT" }));
  });

  it("reports every bad pod, credentials, backoff and start-up option at once", () => {
    expect(() =>
      compileArgo(productionPlan(), {
        image: IMAGE,
        startupSeconds: -1,
        retryBackoff: { duration: "2d" },
        stateDir: "relative",
        pod: {
          nodeSelector: { pool: "{{x}}" },
          volumes: [{ name: "v", mountPath: "/v" }],
        } as never,
        credentials: { lake: { secret: "Bad_Name" } },
      }),
    ).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.objectContaining({ path: ["argo", "startupSeconds"] }),
          expect.objectContaining({ path: ["argo", "retryBackoff", "duration"] }),
          expect.objectContaining({ path: ["argo", "stateDir"] }),
          expect.objectContaining({ path: ["argo", "pod", "nodeSelector", "pool"] }),
          expect.objectContaining({ path: ["argo", "pod", "volumes", "0"] }),
          expect.objectContaining({ path: ["argo", "credentials", "lake", "secret"] }),
        ]),
      }),
    );
  });
});
