import { describe, expect, test } from "vitest";
import {
  CREDENTIALS_DIR_ENV,
  credentialPodSettings,
  mergePodSettings,
  type PodConfig,
  podConfigIssues,
  podSettingsFor,
  podSettingsKey,
} from "../src/index.ts";

const config: PodConfig = {
  serviceAccountName: "pipelines",
  securityContext: { runAsNonRoot: true, runAsUser: 1000 },
  nodeSelector: { pool: "general" },
  volumes: [{ name: "scratch", mountPath: "/scratch", emptyDir: {} }],
  overrides: [
    {
      match: { tags: ["gpu"] },
      nodeSelector: { pool: "gpu" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    },
    {
      match: { namespace: "training" },
      serviceAccountName: "trainer",
      volumes: [
        { name: "scratch", mountPath: "/scratch", persistentVolumeClaim: { claimName: "big" } },
      ],
      secretEnv: { WANDB_API_KEY: { secret: "wandb", key: "api-key" } },
    },
  ],
};

const node = (id: string, namespace: string | null, tags: string[] = []) => ({
  id,
  namespace,
  tags,
});

describe("pod settings", () => {
  test("defaults apply to every node; overrides by tag and namespace, in order", () => {
    expect(podSettingsFor(node("clean", null), config)).toEqual({
      serviceAccountName: "pipelines",
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
      nodeSelector: { pool: "general" },
      volumes: [{ name: "scratch", mountPath: "/scratch", emptyDir: {} }],
    });
    const gpu = podSettingsFor(node("training.deep.fit", "training.deep", ["gpu"]), config);
    expect(gpu.nodeSelector).toEqual({ pool: "gpu" });
    expect(gpu.tolerations).toHaveLength(1);
    // namespace "training" matches nested namespaces; the later volume of the same name wins.
    expect(gpu.serviceAccountName).toBe("trainer");
    expect(gpu.volumes).toEqual([
      { name: "scratch", mountPath: "/scratch", persistentVolumeClaim: { claimName: "big" } },
    ]);
    expect(podSettingsFor(node("trainingx.a", "trainingx"), config).serviceAccountName).toBe(
      "pipelines",
    );
  });

  test("match by node id; all criteria of a match must hold", () => {
    const c: PodConfig = {
      overrides: [{ match: { nodes: ["a"], tags: ["x"] }, nodeSelector: { n: "1" } }],
    };
    expect(podSettingsFor(node("a", null, ["x"]), c).nodeSelector).toEqual({ n: "1" });
    expect(podSettingsFor(node("a", null), c)).toEqual({});
    expect(podSettingsFor(node("b", null, ["x"]), c)).toEqual({});
  });

  test("equal settings have equal keys whatever the key order", () => {
    const a = podSettingsFor(node("a", null), { nodeSelector: { x: "1", y: "2" } });
    const b = podSettingsFor(node("a", null), { nodeSelector: { y: "2", x: "1" } });
    expect(podSettingsKey(a)).toBe(podSettingsKey(b));
  });

  test("nodes sharing a pod: lists and maps are united, disagreements are POD_CONFLICT", () => {
    const ok = mergePodSettings(
      [
        { node: "a", settings: { nodeSelector: { x: "1" }, tolerations: [{ key: "t" }] } },
        { node: "b", settings: { nodeSelector: { y: "2" }, tolerations: [{ key: "t" }] } },
      ],
      "task",
    );
    expect(ok.issues).toEqual([]);
    expect(ok.settings).toEqual({ nodeSelector: { x: "1", y: "2" }, tolerations: [{ key: "t" }] });
    const bad = mergePodSettings(
      [
        { node: "a", settings: { serviceAccountName: "one" } },
        { node: "b", settings: { serviceAccountName: "two" } },
      ],
      "task",
    );
    expect(bad.issues).toEqual([
      expect.objectContaining({ code: "POD_CONFLICT", nodes: ["a", "b"] }),
    ]);
    expect(bad.issues[0]!.message).toContain("serviceAccountName");
  });

  test("every problem of a config is reported with its path", () => {
    const issues = podConfigIssues(
      {
        serviceAccountName: "Not_A_Name",
        volumes: [{ name: "v", mountPath: "relative", emptyDir: {}, secret: { secretName: "s" } }],
        tolerations: [{ operator: "Sometimes" }],
        overrides: [{ match: {}, nodeSelector: { a: "b" } }],
        nodeSelecter: {},
      },
      ["argo", "pod"],
    );
    const paths = issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "argo.pod.serviceAccountName",
        "argo.pod.volumes.0.mountPath",
        "argo.pod.volumes.0",
        "argo.pod.tolerations.0.operator",
        "argo.pod.overrides.0.match",
        "argo.pod",
      ]),
    );
    expect(issues.every((i) => i.code === "ADAPTER_OPTION")).toBe(true);
  });
});

describe("credentials as pod settings", () => {
  test("env: envFrom with the entry's prefix; file: a read-only secret volume; never a value", () => {
    const { settings, unmapped } = credentialPodSettings(["minio", "warehouse", "unknown"], {
      minio: { secret: "minio-s3" },
      warehouse: { secret: "dwh", mount: "file" },
    });
    expect(unmapped).toEqual(["unknown"]);
    expect(settings.envFrom).toEqual([
      { secretRef: "minio-s3", prefix: "PIPEWRIGHT_CREDENTIALS__minio__" },
    ]);
    expect(settings.volumes).toEqual([
      {
        name: "pw-cred-2-warehouse",
        mountPath: "/var/run/secrets/pipewright/credentials/warehouse",
        readOnly: true,
        secret: { secretName: "dwh" },
      },
    ]);
    expect(settings.env).toEqual({
      [CREDENTIALS_DIR_ENV]: "/var/run/secrets/pipewright/credentials",
    });
  });
});
