import { describe, expect, it } from "vitest";
import { compileKubeflow, type KubeflowOptions } from "../src/index.ts";
import { IMAGE, smallPlan } from "./support/fixtures.ts";

const plan = smallPlan();
const problems = (options: unknown): string[] => {
  try {
    compileKubeflow(plan, options as KubeflowOptions);
  } catch (e) {
    return (e as { issues?: { message: string }[] }).issues?.map((i) => i.message) ?? [String(e)];
  }
  return [];
};

describe("options", () => {
  it("reports every problem at once, each naming its option", () => {
    const found = problems({
      imag: "x",
      engine: "argo",
      storage: { cache: "/tmp/cache", endpoint: "minio:9000" },
      resources: { cpu: "two" },
      retries: -1,
      timeoutSeconds: 0,
      group: { by: "pod" },
      pod: {
        serviceAccountName: "runner",
        volumes: [
          {
            name: "Data",
            mountPath: "data",
            persistentVolumeClaim: { claimName: "c" },
            readOnly: true,
          },
        ],
        affinity: {},
        tolerations: [{ operator: "Exists", value: "x", effect: "Never" }],
        env: { "1BAD": "x" },
        secretEnv: { OK: { secret: "s" } },
        overrides: [{ match: {}, nodeSelector: { a: "b" } }],
      },
    });
    const expected = [
      /imag is not an option; did you mean "image"/,
      /engine must be one of kubeflow, vertex/,
      /image is required/,
      /storage.cache "\/tmp\/cache" is not an s3:\/\/ URI/,
      /storage.endpoint "minio:9000" is not an http/,
      /resources.cpu "two" is not a Kubernetes quantity/,
      /retries must be an integer >= 0/,
      /timeoutSeconds must be an integer >= 1/,
      /group.by must be one of/,
      /pod.serviceAccountName cannot be set in a KFP pipeline file.*service_account=/,
      /pod.volumes.0.name "Data" is not a DNS-1123 label/,
      /pod.volumes.0.mountPath "data" is not an absolute path/,
      /pod.volumes.0.readOnly cannot be true for a claim/,
      /pod.tolerations.0.value must be left out with operator "Exists"/,
      /pod.tolerations.0.effect must be one of/,
      /pod.env.1BAD "1BAD" is not an environment variable name/,
      /pod.secretEnv.OK must be \{ secret/,
      /pod.affinity is not mapped/,
      /pod.overrides.0.match needs at least one of tags, namespace or nodes/,
    ];
    for (const re of expected)
      expect(
        found.some((m) => re.test(m)),
        String(re),
      ).toBe(true);
    expect(found).toHaveLength(expected.length);
  });

  it("refuses a claim mounted twice in one pod, and env vars pipewright sets itself", () => {
    const twice = { name: "a", mountPath: "/a", persistentVolumeClaim: { claimName: "c" } };
    expect(
      problems({
        image: IMAGE,
        pod: { volumes: [twice, { ...twice, name: "b", mountPath: "/b" }] },
      }),
    ).toEqual([expect.stringMatching(/mounts the claim "c" twice/)]);
    expect(problems({ image: IMAGE, pod: { env: { PIPEWRIGHT_CACHE: "x" } } })).toEqual([
      expect.stringMatching(/sets PIPEWRIGHT_CACHE, which pipewright sets itself/),
    ]);
  });

  it("needs an object", () => {
    expect(problems(undefined)).toEqual([
      "kubeflow options must be an object with at least { image }.",
    ]);
  });
});
