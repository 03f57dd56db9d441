import type { PodSettings, PodVolume } from "@pipewright/core";
import { containerText } from "./escape.ts";

type Json = Record<string, unknown>;

/** A PodVolume's Kubernetes volume (the source) ... */
function volume(v: PodVolume): Json {
  const { name, persistentVolumeClaim, secret, configMap, emptyDir } = v;
  return {
    name,
    ...(persistentVolumeClaim && { persistentVolumeClaim }),
    ...(secret && { secret }),
    ...(configMap && { configMap }),
    ...(emptyDir && { emptyDir }),
  };
}

/** ... and its mount in the container. */
function mount(v: PodVolume): Json {
  return {
    name: v.name,
    mountPath: v.mountPath,
    ...(v.subPath !== undefined && { subPath: v.subPath }),
    ...(v.readOnly !== undefined && { readOnly: v.readOnly }),
  };
}

/**
 * Pod settings as an Argo container template has them: pod-level fields on the template
 * (Argo copies them into the pod spec), container-level ones on the container. Image pull
 * secrets are workflow-level in Argo (see `pullSecrets`).
 */
export function podFields(pod: PodSettings): { template: Json; container: Json } {
  const template: Json = {
    ...(pod.serviceAccountName !== undefined && { serviceAccountName: pod.serviceAccountName }),
    ...(pod.nodeSelector && { nodeSelector: pod.nodeSelector }),
    ...(pod.tolerations && { tolerations: pod.tolerations }),
    ...(pod.affinity && { affinity: pod.affinity }),
    ...(pod.securityContext && { securityContext: pod.securityContext }),
    ...(pod.volumes && { volumes: pod.volumes.map(volume) }),
  };
  const envFrom = (pod.envFrom ?? []).map((e) => ({
    ...(e.prefix !== undefined && { prefix: e.prefix }),
    ...(e.secretRef !== undefined
      ? { secretRef: { name: e.secretRef } }
      : { configMapRef: { name: e.configMapRef } }),
  }));
  const container: Json = {
    ...(pod.containerSecurityContext && { securityContext: pod.containerSecurityContext }),
    ...(pod.volumes && { volumeMounts: pod.volumes.map(mount) }),
    ...(envFrom.length > 0 && { envFrom }),
  };
  return { template, container };
}

/** The pod's own variables, plain then from secrets, sorted by name within each. */
export function podEnv(pod: PodSettings): Json[] {
  const sorted = <T>(r: Record<string, T> | undefined) =>
    Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    ...sorted(pod.env).map(([name, value]) => ({ name, value: containerText(value) })),
    ...sorted(pod.secretEnv).map(([name, ref]) => ({
      name,
      valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } },
    })),
  ];
}

/** `spec.imagePullSecrets`: every secret any pod needs (Argo has them per workflow only). */
export function pullSecrets(pods: readonly PodSettings[]): Json[] {
  const names = [...new Set(pods.flatMap((p) => p.imagePullSecrets ?? []))].sort();
  return names.map((name) => ({ name }));
}
