import { describe, expect, it } from "vitest";
import { compileKubeflow } from "../src/index.ts";
import { emit } from "./support/emit.ts";
import { IMAGE, smallPlan } from "./support/fixtures.ts";

describe("the Kubernetes platform spec", () => {
  it("carries secrets, volumes, scheduling and pull secrets, in kfp-kubernetes' shape", () => {
    const { k8s, executorOf } = emit(smallPlan(), {
      storage: { cache: "s3://bucket/cache", credentialsSecret: "s3-keys" },
      pod: {
        env: { LOG_LEVEL: "debug" },
        secretEnv: { DB_PASSWORD: { secret: "db", key: "password" } },
        nodeSelector: { "cloud.google.com/gke-nodepool": "cpu" },
        tolerations: [{ key: "dedicated", operator: "Equal", value: "ml", effect: "NoSchedule" }],
        imagePullSecrets: ["registry"],
        volumes: [
          { name: "certs", mountPath: "/etc/certs", secret: { secretName: "tls" } },
          { name: "conf", mountPath: "/etc/conf", configMap: { name: "settings" } },
          {
            name: "scratch",
            mountPath: "/scratch",
            emptyDir: { medium: "Memory", sizeLimit: "1Gi" },
          },
        ],
      },
    });
    expect(executorOf("clean").container.env).toEqual([
      { name: "PIPEWRIGHT_CACHE", value: "s3://bucket/cache" },
      { name: "LOG_LEVEL", value: "debug" },
    ]);
    const ref = (field: string, name: string) => ({
      [field]: name,
      [`${field}Parameter`]: { runtimeValue: { constant: name } },
    });
    expect(k8s("clean")).toEqual({
      secretAsEnv: [
        {
          ...ref("secretName", "s3-keys"),
          keyToEnv: [
            { envVar: "AWS_ACCESS_KEY_ID", secretKey: "AWS_ACCESS_KEY_ID" },
            { envVar: "AWS_SECRET_ACCESS_KEY", secretKey: "AWS_SECRET_ACCESS_KEY" },
          ],
        },
        {
          ...ref("secretName", "db"),
          keyToEnv: [{ envVar: "DB_PASSWORD", secretKey: "password" }],
        },
      ],
      secretAsVolume: [{ ...ref("secretName", "tls"), mountPath: "/etc/certs" }],
      configMapAsVolume: [{ ...ref("configMapName", "settings"), mountPath: "/etc/conf" }],
      emptyDirMounts: [
        { volumeName: "scratch", mountPath: "/scratch", medium: "Memory", sizeLimit: "1Gi" },
      ],
      nodeSelector: { labels: { "cloud.google.com/gke-nodepool": "cpu" } },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "ml", effect: "NoSchedule" }],
      imagePullSecret: [ref("secretName", "registry")],
    });
  });

  it("applies overrides to the tasks running a node with that tag or in that namespace", () => {
    const gpu = {
      nodeSelector: { accelerator: "a100" },
      tolerations: [{ key: "gpu", operator: "Exists" as const }],
    };
    const { k8s } = emit(smallPlan(), {
      pod: {
        nodeSelector: { pool: "default", zone: "a" },
        env: { MODE: "base" },
        overrides: [
          { match: { namespace: "science" }, ...gpu, nodeSelector: { pool: "gpu" } },
          { match: { tags: ["prep"] }, env: { MODE: "prep" } },
        ],
      },
    });
    expect(k8s("science-train")!.nodeSelector).toEqual({ labels: { pool: "gpu", zone: "a" } });
    expect(k8s("science-train")!.tolerations).toEqual([{ key: "gpu", operator: "Exists" }]);
    expect(k8s("report")!.nodeSelector).toEqual({ labels: { pool: "default", zone: "a" } });
    expect(k8s("report")!.tolerations).toBeUndefined();
  });

  it("is left out on Vertex AI, which refuses the Kubernetes-only settings instead of dropping them", () => {
    expect(() =>
      compileKubeflow(smallPlan(), {
        image: IMAGE,
        engine: "vertex",
        accelerator: "NVIDIA_L4",
        storage: { credentialsSecret: "s3" },
        pod: { nodeSelector: { a: "b" }, secretEnv: { K: { secret: "s", key: "k" } } },
      }),
    ).toThrow(/3 problems:[\s\S]*credentialsSecret[\s\S]*nodeSelector[\s\S]*secretEnv/);
  });
});
