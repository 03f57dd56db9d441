import { planHash } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { compileKubeflow } from "../src/index.ts";
import { emit } from "./support/emit.ts";
import { IMAGE, smallPlan } from "./support/fixtures.ts";

const plan = smallPlan();

describe("compileKubeflow", () => {
  it("gives each node a task with its own component and executor, waiting for its producers", () => {
    const { spec, tasks } = emit(plan);
    expect(Object.keys(tasks)).toEqual(["clean", "featurize", "science-train", "stats", "report"]);
    expect(tasks["science-train"]!.taskInfo).toEqual({ name: "science.train" });
    expect(tasks["science-train"]!.componentRef).toEqual({ name: "comp-science-train" });
    expect(spec.components["comp-science-train"].executorLabel).toBe("exec-science-train");
    expect(tasks.report!.dependentTasks).toEqual(["stats", "science-train"].sort());
    expect(tasks.clean!.dependentTasks).toBeUndefined();
    expect(spec.schemaVersion).toBe("2.1.0");
    expect(spec.sdkVersion).toMatch(/^pipewright-\d+\.\d+\.\d+/);
    expect(spec.pipelineInfo).toMatchObject({ name: "small", displayName: "small" });
  });

  it("runs `pipewright run-node` with the pipeline, the node, the plan hash and KFP's run id", () => {
    const { argv, tasks } = emit(plan);
    expect(argv("stats")).toEqual([
      "pipewright",
      "run-node",
      "--cwd",
      "/app",
      "--pipeline",
      "small",
      "--node",
      "stats",
      "--plan-hash",
      planHash(plan),
      "--run-id",
      "run-1",
      "--params",
      "verbose=false",
    ]);
    expect(tasks.stats!.inputs.parameters.pipewright_run_id).toEqual({
      runtimeValue: { constant: "{{$.pipeline_job_uuid}}" },
    });
  });

  it("makes params typed pipeline parameters, passed to the tasks that read them", () => {
    const { spec, argv, tasks } = emit(plan);
    const inputs = spec.root.inputDefinitions.parameters;
    expect(
      Object.fromEntries(
        Object.entries<any>(inputs).map(([k, v]) => [k, [v.parameterType, v.defaultValue]]),
      ),
    ).toEqual({
      columns: ["LIST", ["id", "value"]],
      model_alpha: ["NUMBER_DOUBLE", 0.1],
      model_epochs: ["NUMBER_INTEGER", 20],
      options: ["STRUCT", { scale: true }],
      title: ["STRING", "Weekly report"],
      verbose: ["BOOLEAN", false],
    });
    expect(tasks["science-train"]!.inputs.parameters.model_alpha).toEqual({
      componentInputParameter: "model_alpha",
    });
    expect(spec.components["comp-science-train"].inputDefinitions.parameters.model_epochs).toEqual({
      parameterType: "NUMBER_INTEGER",
    });
    expect(argv("science-train").slice(-4)).toEqual([
      "--params",
      "model.alpha=0.1",
      "--params",
      "model.epochs=20",
    ]);
    expect(argv("clean").slice(-2)).toEqual(["--params", 'columns=["id","value"]']);
    expect(argv("featurize").slice(-2)).toEqual(["--params", 'options={"scale":true}']);
  });

  it("maps resources, retries (KFP's, with backoff) and KFP's cache (off)", () => {
    const { executorOf, tasks, k8s } = emit(plan);
    expect(executorOf("featurize").container.resources).toEqual({
      resourceCpuRequest: "2",
      resourceMemoryRequest: "4Gi",
      resourceMemoryLimit: "4Gi",
    });
    expect(executorOf("science-train").container.resources).toEqual({
      accelerator: { resourceType: "nvidia.com/gpu", resourceCount: "1" },
    });
    expect(tasks["science-train"]!.retryPolicy).toEqual({
      maxRetryCount: 2,
      backoffDuration: "10s",
      backoffFactor: 2,
      backoffMaxDuration: "3600s",
    });
    expect(tasks.clean!.retryPolicy).toBeUndefined();
    for (const t of Object.values(tasks)) expect(t.cachingOptions).toEqual({ enableCache: false });
    expect(k8s("stats")).toEqual({ activeDeadlineSeconds: 600 });
    expect(k8s("clean")).toBeUndefined();
  });

  it("uses the defaults for nodes that set nothing", () => {
    const { executorOf, tasks, k8s } = emit(plan, {
      resources: { cpu: "500m", memory: "1Gi" },
      retries: 1,
      timeoutSeconds: 60,
    });
    expect(executorOf("clean").container.resources).toEqual({
      resourceCpuRequest: "500m",
      resourceMemoryRequest: "1Gi",
      resourceMemoryLimit: "1Gi",
    });
    expect(tasks.clean!.retryPolicy.maxRetryCount).toBe(1);
    expect(k8s("clean")).toEqual({ activeDeadlineSeconds: 60 });
    expect(k8s("stats")).toEqual({ activeDeadlineSeconds: 600 });
  });

  it("keys KFP's cache by the task's lineage when asked, never for a node that opts out", () => {
    const optOut = smallPlan();
    optOut.nodes.find((n) => n.id === "report")!.cache = false;
    const { tasks } = emit(optOut, { kfpCache: true });
    expect(tasks.clean!.cachingOptions).toEqual({
      enableCache: true,
      cacheKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(tasks.report!.cachingOptions).toEqual({ enableCache: false });
    // An upstream change (here, clean's cache key) changes every key downstream.
    const changed = structuredClone(optOut);
    changed.nodes[0]!.cacheKey = "0".repeat(64);
    const again = emit(changed, { kfpCache: true }).tasks;
    expect(again.featurize!.cachingOptions.cacheKey).not.toBe(
      tasks.featurize!.cachingOptions.cacheKey,
    );
    expect(again["science-train"]!.cachingOptions.cacheKey).not.toBe(
      tasks["science-train"]!.cachingOptions.cacheKey,
    );
  });

  it("on Vertex AI: one document, limits for sizing, an accelerator type required for GPUs", () => {
    expect(() => compileKubeflow(plan, { image: IMAGE, engine: "vertex" })).toThrow(
      /accelerator is required/,
    );
    const { text, platform, executorOf } = emit(plan, {
      engine: "vertex",
      accelerator: "NVIDIA_TESLA_T4",
    });
    expect(platform).toBeUndefined();
    expect(text).not.toContain("\n---");
    expect(executorOf("featurize").container.resources).toEqual({
      resourceCpuLimit: "2",
      resourceMemoryLimit: "4Gi",
    });
    expect(executorOf("science-train").container.resources.accelerator.resourceType).toBe(
      "NVIDIA_TESLA_T4",
    );
  });

  it("refuses an empty plan and bad node quantities", () => {
    const empty = { ...smallPlan(), nodes: [], order: [] };
    expect(() => compileKubeflow(empty, { image: IMAGE })).toThrow(
      expect.objectContaining({ code: "EMPTY_PIPELINE" }),
    );
    const bad = smallPlan();
    bad.nodes[0]!.resources.memory = "lots";
    expect(() => compileKubeflow(bad, { image: IMAGE })).toThrow(
      /node "clean".*resources.memory "lots"/,
    );
  });

  it("is deterministic", () => {
    expect(compileKubeflow(smallPlan(), { image: IMAGE })).toBe(
      compileKubeflow(smallPlan(), { image: IMAGE }),
    );
  });
});
