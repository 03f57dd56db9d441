import type { TaskEnv } from "./env.ts";
import type { SecretRef } from "./pod.ts";
import type { ResolvedPod } from "./pod-resolve.ts";

/**
 * A reference to a Kubernetes object by name, both ways kfp-kubernetes writes it: the
 * `*NameParameter` form current backends read, and the deprecated plain name older ones do.
 */
const named = (field: string, name: string) => ({
  [field]: name,
  [`${field}Parameter`]: { runtimeValue: { constant: name } },
});

function secretsAsEnv(secrets: readonly [string, SecretRef][]): Record<string, unknown>[] {
  const bySecret = new Map<string, { envVar: string; secretKey: string }[]>();
  for (const [envVar, ref] of secrets)
    bySecret.set(ref.secret, [...(bySecret.get(ref.secret) ?? []), { envVar, secretKey: ref.key }]);
  return [...bySecret].map(([secret, keyToEnv]) => ({ ...named("secretName", secret), keyToEnv }));
}

/**
 * One executor's KubernetesExecutorConfig (kfp-kubernetes, in the platform spec): secrets
 * as env or volumes, claims, config maps, scratch folders, node selector, tolerations,
 * pull secrets, and the pod's deadline. Undefined when there is nothing to say.
 */
export function executorConfig(
  pod: ResolvedPod,
  env: TaskEnv,
  timeoutSeconds: number | null,
): Record<string, unknown> | undefined {
  const vols = (key: "persistentVolumeClaim" | "secret" | "configMap" | "emptyDir") =>
    pod.volumes.filter((v) => v[key] !== undefined);
  const config: Record<string, unknown> = {};
  if (env.secrets.length > 0) config.secretAsEnv = secretsAsEnv(env.secrets);
  const secretVolumes = vols("secret").map((v) => ({
    ...named("secretName", v.secret!.secretName),
    mountPath: v.mountPath,
  }));
  if (secretVolumes.length > 0) config.secretAsVolume = secretVolumes;
  const claims = vols("persistentVolumeClaim").map((v) => ({
    constant: v.persistentVolumeClaim!.claimName,
    pvcNameParameter: { runtimeValue: { constant: v.persistentVolumeClaim!.claimName } },
    mountPath: v.mountPath,
    ...(v.subPath !== undefined && { subPath: v.subPath }),
  }));
  if (claims.length > 0) config.pvcMount = claims;
  const configMaps = vols("configMap").map((v) => ({
    ...named("configMapName", v.configMap!.name),
    mountPath: v.mountPath,
  }));
  if (configMaps.length > 0) config.configMapAsVolume = configMaps;
  const scratch = vols("emptyDir").map((v) => {
    const e = v.emptyDir!;
    return {
      volumeName: v.name,
      mountPath: v.mountPath,
      ...(e.medium && { medium: e.medium }),
      ...(e.sizeLimit !== undefined && { sizeLimit: e.sizeLimit }),
    };
  });
  if (scratch.length > 0) config.emptyDirMounts = scratch;
  if (Object.keys(pod.nodeSelector).length > 0) config.nodeSelector = { labels: pod.nodeSelector };
  if (pod.tolerations.length > 0) config.tolerations = pod.tolerations;
  if (pod.imagePullSecrets.length > 0)
    config.imagePullSecret = pod.imagePullSecrets.map((s) => named("secretName", s));
  if (timeoutSeconds !== null) config.activeDeadlineSeconds = timeoutSeconds;
  return Object.keys(config).length > 0 ? config : undefined;
}
