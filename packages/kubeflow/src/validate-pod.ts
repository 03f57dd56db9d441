import * as check from "./checks.ts";
import type { PodConfig } from "./pod.ts";
import type { OptionIssues } from "./validate-options.ts";

const FIELDS = ["nodeSelector", "tolerations", "imagePullSecrets", "volumes", "env", "secretEnv"];
/** Fields of core's PodConfig a KFP platform spec cannot express (or pipewright does not map yet). */
const UNSUPPORTED: Record<string, string> = {
  affinity: "is not mapped to KFP's node and pod affinity terms yet; use nodeSelector",
  securityContext:
    "is not mapped to KFP yet (kfp-kubernetes only has runAsUser, runAsGroup and runAsNonRoot)",
  containerSecurityContext:
    "is not mapped to KFP yet (kfp-kubernetes only has runAsUser, runAsGroup and runAsNonRoot)",
  envFrom:
    "cannot be expressed in KFP's platform spec (it maps secret keys one by one): use secretEnv",
};
const VOLUME_KEYS = [
  "name",
  "mountPath",
  "subPath",
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
const KUBERNETES_ONLY = [
  "nodeSelector",
  "tolerations",
  "imagePullSecrets",
  "volumes",
  "secretEnv",
] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function volume(o: OptionIssues, p: string, v: Obj): void {
  o.unknownKeys(p, v, VOLUME_KEYS);
  if (v.name === undefined) o.add(`${p}.name`, "is required");
  o.str(`${p}.name`, v.name, check.dnsLabel);
  if (v.mountPath === undefined) o.add(`${p}.mountPath`, "is required");
  o.str(`${p}.mountPath`, v.mountPath, check.absolutePath);
  const sources = SOURCES.filter((s) => v[s] !== undefined);
  if (sources.length !== 1)
    o.add(p, `needs exactly one source (${SOURCES.join(", ")}), got ${sources.length}`);
  const source = (key: string, fields: string[]): Obj => {
    const s = v[key];
    if (s === undefined) return {};
    if (!isObj(s)) {
      o.add(`${p}.${key}`, `must be an object such as { ${fields[0]}: ... }`);
      return {};
    }
    o.unknownKeys(`${p}.${key}`, s, fields);
    return s;
  };
  const claim = source("persistentVolumeClaim", ["claimName", "readOnly"]);
  const secret = source("secret", ["secretName"]);
  const configMap = source("configMap", ["name"]);
  const empty = source("emptyDir", ["medium", "sizeLimit"]);
  if (v.persistentVolumeClaim !== undefined && claim.claimName === undefined)
    o.add(`${p}.persistentVolumeClaim.claimName`, "is required");
  o.str(`${p}.persistentVolumeClaim.claimName`, claim.claimName, check.dnsSubdomain);
  if (v.secret !== undefined && secret.secretName === undefined)
    o.add(`${p}.secret.secretName`, "is required");
  o.str(`${p}.secret.secretName`, secret.secretName, check.dnsSubdomain);
  if (v.configMap !== undefined && configMap.name === undefined)
    o.add(`${p}.configMap.name`, "is required");
  o.str(`${p}.configMap.name`, configMap.name, check.dnsSubdomain);
  if (empty.medium !== undefined && empty.medium !== "" && empty.medium !== "Memory")
    o.add(`${p}.emptyDir.medium`, 'must be "" or "Memory"');
  o.str(`${p}.emptyDir.sizeLimit`, empty.sizeLimit, check.quantity);
  if (v.persistentVolumeClaim !== undefined && (v.readOnly === true || claim.readOnly === true))
    o.add(
      `${p}.readOnly`,
      "cannot be true for a claim: KFP mounts claims read-write (kfp-kubernetes has no read-only PVC mount)",
    );
  if (v.subPath !== undefined && v.persistentVolumeClaim === undefined)
    o.add(`${p}.subPath`, "is only possible for a claim in KFP's platform spec");
  o.str(`${p}.subPath`, v.subPath, (s) =>
    s.startsWith("/") || s.split("/").includes("..")
      ? "must be a relative path without '..'"
      : undefined,
  );
}

function settings(o: OptionIssues, path: string, pod: Obj, vertex: boolean): void {
  for (const [key, why] of Object.entries(UNSUPPORTED))
    if (pod[key] !== undefined) o.add(`${path}.${key}`, why);
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
    if (!isObj(t)) {
      o.add(p, "must be an object such as { key, operator, value, effect }");
      continue;
    }
    o.unknownKeys(p, t, TOLERATION_KEYS);
    o.str(`${p}.key`, t.key, check.labelKey);
    o.str(`${p}.value`, t.value, check.labelValue);
    if (t.operator !== undefined && t.operator !== "Exists" && t.operator !== "Equal")
      o.add(`${p}.operator`, 'must be "Exists" or "Equal"');
    if (t.operator === "Exists" && t.value !== undefined)
      o.add(`${p}.value`, 'must be left out with operator "Exists"');
    if (t.effect !== undefined && !EFFECTS.includes(t.effect as string))
      o.add(`${p}.effect`, `must be one of ${EFFECTS.join(", ")}`);
    o.int(`${p}.tolerationSeconds`, t.tolerationSeconds, 0);
  }
  for (const [i, s] of o.list(`${path}.imagePullSecrets`, pod.imagePullSecrets).entries())
    o.str(`${path}.imagePullSecrets.${i}`, s, check.dnsSubdomain);
  for (const [i, v] of o.list(`${path}.volumes`, pod.volumes).entries()) {
    if (isObj(v)) volume(o, `${path}.volumes.${i}`, v);
    else
      o.add(
        `${path}.volumes.${i}`,
        "must be an object such as { name, mountPath, persistentVolumeClaim }",
      );
  }
  for (const [name, value] of o.record(`${path}.env`, pod.env)) {
    o.str(`${path}.env.${name}`, name, check.envName);
    if (typeof value !== "string")
      o.add(`${path}.env.${name}`, "must be a string (read secrets with secretEnv)");
  }
  for (const [name, ref] of o.record(`${path}.secretEnv`, pod.secretEnv)) {
    const p = `${path}.secretEnv.${name}`;
    o.str(p, name, check.envName);
    if (!isObj(ref) || ref.secret === undefined || ref.key === undefined) {
      o.add(p, 'must be { secret: "<secret name>", key: "<key in the secret>" }');
      continue;
    }
    o.unknownKeys(p, ref, ["secret", "key"]);
    o.str(`${p}.secret`, ref.secret, check.dnsSubdomain);
    o.str(`${p}.key`, ref.key, check.secretKey);
  }
  if (vertex)
    for (const key of KUBERNETES_ONLY)
      if (pod[key] !== undefined)
        o.add(
          `${path}.${key}`,
          'is a Kubernetes setting that Vertex AI does not apply (it reads no platform spec); use engine: "kubeflow" or leave it out',
        );
}

/** Checks pod settings and their overrides, adding every problem to `o`. */
export function validatePod(pod: PodConfig | undefined, vertex: boolean, o: OptionIssues): void {
  if (pod === undefined) return;
  if (!isObj(pod)) {
    o.add("pod", "must be an object");
    return;
  }
  o.unknownKeys("pod", pod, [
    ...FIELDS,
    ...Object.keys(UNSUPPORTED),
    "serviceAccountName",
    "overrides",
  ]);
  if (pod.serviceAccountName !== undefined)
    o.add(
      "pod.serviceAccountName",
      "cannot be set in a KFP pipeline file: KFP and Vertex AI take the service account per run (kfp.Client().create_run_from_pipeline_package(..., service_account=...), or PipelineJob.submit(service_account=...) on Vertex AI); remove it here",
    );
  settings(o, "pod", pod as Obj, vertex);
  for (const [i, over] of o.list("pod.overrides", pod.overrides).entries()) {
    const p = `pod.overrides.${i}`;
    if (!isObj(over)) {
      o.add(p, "must be an object such as { match: { tags: [...] }, nodeSelector }");
      continue;
    }
    o.unknownKeys(p, over, [...FIELDS, ...Object.keys(UNSUPPORTED), "match"]);
    const match = over.match;
    if (
      !isObj(match) ||
      (match.tags === undefined && match.namespace === undefined && match.nodes === undefined)
    )
      o.add(
        `${p}.match`,
        "needs at least one of tags, namespace or nodes: the nodes it applies to",
      );
    else {
      o.unknownKeys(`${p}.match`, match, ["tags", "namespace", "nodes"]);
      for (const key of ["tags", "nodes"] as const)
        if (
          match[key] !== undefined &&
          (!Array.isArray(match[key]) ||
            (match[key] as unknown[]).some((x) => typeof x !== "string"))
        )
          o.add(`${p}.match.${key}`, "must be a list of strings");
      o.str(`${p}.match.namespace`, match.namespace);
    }
    settings(o, p, over, vertex);
  }
}
