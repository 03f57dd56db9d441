import { describe, expect, it } from "vitest";
import { compileKubeflow } from "../src/index.ts";
import { emit } from "./support/emit.ts";
import { IMAGE, smallPlan } from "./support/fixtures.ts";

/** clean and features on local paths: they pass between tasks; the rest on S3. */
const localPlan = () =>
  smallPlan({
    resolve: (id: string) =>
      id === "clean" || id === "features"
        ? { type: "parquet", uri: `data/02_intermediate/${id}.parquet` }
        : { type: "parquet", uri: `s3://bucket/data/${id}.parquet` },
  });

const claim = (mountPath: string, claimName = "shared-data") => ({
  pod: { volumes: [{ name: "data", mountPath, persistentVolumeClaim: { claimName } }] },
});

describe("data between tasks", () => {
  it("is refused on a local path, naming every dataset and its readers at once", () => {
    const plan = localPlan();
    expect(plan.datasets.find((d) => d.id === "clean")!.storage.uri).toBe(
      "data/02_intermediate/clean.parquet",
    );
    let error: any;
    try {
      compileKubeflow(plan, { image: IMAGE });
    } catch (e) {
      error = e;
    }
    expect(error.code).toBe("ADAPTER_OPTION");
    expect(error.issues.map((i: any) => i.datasets)).toEqual([["clean"], ["features"]]);
    expect(error.message).toMatch(
      /"clean" is stored on a local path .* from task "clean" to "featurize", "stats"/,
    );
  });

  it("is allowed inside one task, and under one claim mounted in both pods", () => {
    const plan = localPlan();
    for (const n of plan.nodes) n.namespace = "all";
    emit(plan, { group: { by: "namespace" } });
    const { k8s } = emit(localPlan(), claim("/app/data"));
    expect(k8s("clean")!.pvcMount).toEqual([
      {
        constant: "shared-data",
        pvcNameParameter: { runtimeValue: { constant: "shared-data" } },
        mountPath: "/app/data",
      },
    ]);
  });

  it("is refused when the claim is mounted elsewhere, or only in some pods", () => {
    expect(() => compileKubeflow(localPlan(), { image: IMAGE, ...claim("/data") })).toThrow(
      /local path/,
    );
    expect(() =>
      compileKubeflow(localPlan(), {
        image: IMAGE,
        pod: {
          overrides: [{ match: { tags: ["prep"] }, volumes: claim("/app/data").pod.volumes }],
        },
      }),
    ).toThrow(/"clean" .* to "stats"/);
    // The working dir decides where project-relative paths are.
    expect(() =>
      compileKubeflow(localPlan(), { image: IMAGE, workingDir: "/srv", ...claim("/app/data") }),
    ).toThrow(/local path/);
  });
});
