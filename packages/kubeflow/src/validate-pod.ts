import * as check from "./checks.ts";
import type { PodFields, PodSettings } from "./pod.ts";
import type { OptionIssues } from "./validate-options.ts";

const FIELDS = ["nodeSelector", "tolerations", "imagePullSecrets", "volumes", "env"];
const VOLUME_KEYS = [
  "name",
  "mountPath",
  "readOnly",
  "persistentVolumeClaim",
  "secret",
  "configMap",
  "emptyDir",
];
const SOURCES = ["persistentVolumeClaim", "secret", "configMap", "emptyDir"] as const;
const TOLERATION_KEYS = ["key", "operator", "value", "effect", "tolerationSeconds"];
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** Settings only Kubernetes can apply: on Vertex AI they are refused, not dropped. */
const KUBERNETES_ONLY = ["nodeSelector", "tolerations", "imagePullSecrets", "volumes"] as const;

function fields(o: OptionIssues, path: string, pod: PodFields, vertex: boolean): void {
  for (const [key, value] of o.record(`${path}.nodeSelector`, pod.nodeSelector)) {
    o.str(`${path}.nodeSelector.${key}`, key, check.labelKey);
    if (typeof value !== "string" || check.labelValue(value))
      o.add(
        `${path}.nodeSelector.${key}`,
        `value ${JSON.stringify(value)} ${check.labelValue(String(value))}`,
      );
  }
  for (const [i, t] of o.list(`${path}.tolerations`, pod.tolerations).entries()) {
    const p = `${path}.tolerations.${i}`;
    if (typeof t !== "object" || t === null) {
      o.add(p, "must be an object such as { key, operator, value, effect }");
      continue;
    }
    o.unknownKeys(p, t, TOLERATION_KEYS);
    const tol = t as Record<string, unknown>;
    o.str(`${p}.key`, tol.key, check.labelKey);
    o.str(`${p}.value`, tol.value, check.labelValue);
    if (tol.operator !== undefined && tol.operator !== "Exists" && tol.operator !== "Equal")
      o.add(`${p}.operator`, 'must be "Exists" or "Equal"');
    if (tol.operator === "Exists" && tol.value !== undefined)
      o.add(`${p}.value`, 'must be left out with operator "Exists"');
    if (tol.effect !== undefined && !EFFECTS.includes(tol.effect as string))
      o.add(`${p}.effect`, `must be one of ${EFFECTS.join(", ")}`);
    o.int(`${p}.tolerationSeconds`, tol.tolerationSeconds, 0);
  }
  for (const [i, s] of o.list(`${path}.imagePullSecrets`, pod.imagePullSecrets).entries())
    o.str(`${path}.imagePullSecrets.${i}`, s, check.dnsSubdomain);
  for (const [i, v] of o.list(`${path}.volumes`, pod.volumes).entries()) {
    const p = `${path}.volumes.${i}`;
    if (typeof v !== "object" || v === null) {
      o.add(p, "must be an object such as { name, mountPath, persistentVolumeClaim }");
      continue;
    }
    o.unknownKeys(p, v, VOLUME_KEYS);
    const vol = v as Record<string, unknown>;
    if (vol.name === undefined) o.add(`${p}.name`, "is required");
    o.str(`${p}.name`, vol.name, check.dnsLabel);
    if (vol.mountPath === undefined) o.add(`${p}.mountPath`, "is required");
    o.str(`${p}.mountPath`, vol.mountPath, check.absolutePath);
    const sources = SOURCES.filter((s) => vol[s] !== undefined);
    if (sources.length !== 1)
      o.add(p, `needs exactly one of ${SOURCES.join(", ")}, got ${sources.length}`);
    o.str(`${p}.persistentVolumeClaim`, vol.persistentVolumeClaim, check.dnsSubdomain);
    o.str(`${p}.secret`, vol.secret, check.dnsSubdomain);
    o.str(`${p}.configMap`, vol.configMap, check.dnsSubdomain);
    if (vol.persistentVolumeClaim !== undefined && vol.readOnly === true)
      o.add(
        `${p}.readOnly`,
        "cannot be true for a claim: KFP mounts claims read-write (kfp-kubernetes has no read-only PVC mount)",
      );
    if (vol.readOnly !== undefined && typeof vol.readOnly !== "boolean")
      o.add(`${p}.readOnly`, "must be true or false");
    const empty = vol.emptyDir;
    if (empty !== undefined && empty !== true) {
      if (typeof empty !== "object" || empty === null)
        o.add(`${p}.emptyDir`, "must be true or { medium, sizeLimit }");
      else {
        o.unknownKeys(`${p}.emptyDir`, empty, ["medium", "sizeLimit"]);
        const e = empty as Record<string, unknown>;
        if (e.medium !== undefined && e.medium !== "Memory")
          o.add(`${p}.emptyDir.medium`, 'must be "Memory" when given');
        o.str(`${p}.emptyDir.sizeLimit`, e.sizeLimit, check.quantity);
      }
    }
  }
  for (const [name, value] of o.record(`${path}.env`, pod.env)) {
    o.str(`${path}.env.${name}`, name, check.envName);
    if (typeof value === "string") continue;
    const ref = (value ?? {}) as { secret?: unknown; key?: unknown };
    if (
      typeof value !== "object" ||
      value === null ||
      ref.secret === undefined ||
      ref.key === undefined
    ) {
      o.add(
        `${path}.env.${name}`,
        'must be a string or { secret: "<secret name>", key: "<key in the secret>" }',
      );
      continue;
    }
    o.unknownKeys(`${path}.env.${name}`, value, ["secret", "key"]);
    o.str(`${path}.env.${name}.secret`, ref.secret, check.dnsSubdomain);
    o.str(`${path}.env.${name}.key`, ref.key, check.secretKey);
    if (vertex)
      o.add(
        `${path}.env.${name}`,
        'reads a Kubernetes secret, which Vertex AI does not have; use engine: "kubeflow"',
      );
  }
  if (vertex) {
    for (const key of KUBERNETES_ONLY)
      if (pod[key] !== undefined)
        o.add(
          `${path}.${key}`,
          'is a Kubernetes setting that Vertex AI does not apply (it reads no platform spec); use engine: "kubeflow" or leave it out',
        );
  }
}

/** Checks pod settings and their overrides, adding every problem to `o`. */
export function validatePod(pod: PodSettings | undefined, vertex: boolean, o: OptionIssues): void {
  if (pod === undefined) return;
  if (typeof pod !== "object" || pod === null) {
    o.add("pod", "must be an object");
    return;
  }
  o.unknownKeys("pod", pod, [...FIELDS, "serviceAccountName", "overrides"]);
  if (pod.serviceAccountName !== undefined)
    o.add(
      "pod.serviceAccountName",
      "cannot be set in a KFP pipeline file: KFP and Vertex AI take the service account per run (kfp.Client().create_run_from_pipeline_package(..., service_account=...), or PipelineJob.submit(service_account=...) on Vertex AI); remove it here",
    );
  fields(o, "pod", pod, vertex);
  for (const [i, over] of o.list("pod.overrides", pod.overrides).entries()) {
    const p = `pod.overrides.${i}`;
    if (typeof over !== "object" || over === null) {
      o.add(p, "must be an object such as { tag, nodeSelector }");
      continue;
    }
    o.unknownKeys(p, over, [...FIELDS, "tag", "namespace"]);
    const ov = over as PodSettings & { tag?: unknown; namespace?: unknown };
    if ((ov.tag === undefined) === (ov.namespace === undefined))
      o.add(p, "needs exactly one of tag or namespace: the nodes it applies to");
    o.str(`${p}.tag`, ov.tag);
    o.str(`${p}.namespace`, ov.namespace);
    fields(o, p, ov, vertex);
  }
}
