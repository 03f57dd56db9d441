import { z } from "zod";
import { lazySchema } from "../util/lazy-schema.ts";
import { DNS_LABEL, DNS_SUBDOMAIN, ENV_NAME, SECRET_KEY } from "./option-checks.ts";

/**
 * Pod settings shared by every engine adapter that runs nodes in Kubernetes pods (Argo,
 * Airflow's KubernetesPodOperator, Kubeflow). Field names and shapes are Kubernetes' own
 * (camelCase, as in a pod spec), so users can copy them from any manifest; each adapter
 * turns them into its engine's syntax. Values that are secrets never appear here: only
 * the names of Secrets and their keys.
 */

const objectName = lazySchema(() =>
  z
    .string()
    .max(253)
    .regex(DNS_SUBDOMAIN, "must be a Kubernetes object name (lowercase letters, digits, '-', '.')"),
);
const volumeName = lazySchema(() =>
  z.string().max(63).regex(DNS_LABEL, "must be a DNS-1123 label (lowercase letters, digits, '-')"),
);
const envName = lazySchema(() =>
  z
    .string()
    .regex(ENV_NAME, "must be an environment variable name (letters, digits, '_', '-', '.')"),
);
const secretKey = lazySchema(() =>
  z.string().max(253).regex(SECRET_KEY, "must be a Secret key (letters, digits, '-', '_', '.')"),
);
const absolutePath = lazySchema(() =>
  z
    .string()
    .regex(/^\/[^:]*$/, "must be an absolute path without ':'")
    .refine((p) => !p.split("/").includes(".."), "must not contain '..'"),
);
const keyToPath = lazySchema(() =>
  z.array(z.object({ key: secretKey, path: z.string().min(1) }).strict()),
);

/** A volume and where the container mounts it: exactly one source. */
export const PodVolumeSchema = lazySchema(() =>
  z
    .object({
      name: volumeName,
      mountPath: absolutePath,
      subPath: z.string().optional(),
      readOnly: z.boolean().optional(),
      persistentVolumeClaim: z
        .object({ claimName: objectName, readOnly: z.boolean().optional() })
        .strict()
        .optional(),
      secret: z
        .object({
          secretName: objectName,
          items: keyToPath.optional(),
          defaultMode: z.number().int().min(0).max(0o777).optional(),
        })
        .strict()
        .optional(),
      configMap: z.object({ name: objectName, items: keyToPath.optional() }).strict().optional(),
      emptyDir: z
        .object({ medium: z.enum(["", "Memory"]).optional(), sizeLimit: z.string().optional() })
        .strict()
        .optional(),
    })
    .strict()
    .refine(
      (v) =>
        [v.persistentVolumeClaim, v.secret, v.configMap, v.emptyDir].filter((s) => s !== undefined)
          .length === 1,
      "needs exactly one source: persistentVolumeClaim, secret, configMap or emptyDir",
    ),
);
export type PodVolume = z.infer<typeof PodVolumeSchema>;

export const TolerationSchema = lazySchema(() =>
  z
    .object({
      key: z.string().optional(),
      operator: z.enum(["Exists", "Equal"]).optional(),
      value: z.string().optional(),
      effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
      tolerationSeconds: z.number().int().optional(),
    })
    .strict(),
);
export type Toleration = z.infer<typeof TolerationSchema>;

/** Every variable of a Secret or ConfigMap, optionally prefixed. */
export const EnvFromSchema = lazySchema(() =>
  z
    .object({
      secretRef: objectName.optional(),
      configMapRef: objectName.optional(),
      prefix: envName.optional(),
    })
    .strict()
    .refine(
      (v) => (v.secretRef === undefined) !== (v.configMapRef === undefined),
      "needs exactly one of secretRef or configMapRef",
    ),
);
export type EnvFrom = z.infer<typeof EnvFromSchema>;

const capabilities = lazySchema(() =>
  z.object({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() }).strict(),
);
const seccompProfile = lazySchema(() =>
  z
    .object({
      type: z.enum(["RuntimeDefault", "Localhost", "Unconfined"]),
      localhostProfile: z.string().optional(),
    })
    .strict(),
);
const id = lazySchema(() => z.number().int().min(0));

/** The pod's securityContext (Kubernetes PodSecurityContext). */
export const PodSecurityContextSchema = lazySchema(() =>
  z
    .object({
      runAsUser: id.optional(),
      runAsGroup: id.optional(),
      runAsNonRoot: z.boolean().optional(),
      fsGroup: id.optional(),
      fsGroupChangePolicy: z.enum(["OnRootMismatch", "Always"]).optional(),
      supplementalGroups: z.array(id).optional(),
      seccompProfile: seccompProfile.optional(),
    })
    .strict(),
);

/** The container's securityContext (Kubernetes SecurityContext). */
export const ContainerSecurityContextSchema = lazySchema(() =>
  z
    .object({
      runAsUser: id.optional(),
      runAsGroup: id.optional(),
      runAsNonRoot: z.boolean().optional(),
      readOnlyRootFilesystem: z.boolean().optional(),
      allowPrivilegeEscalation: z.boolean().optional(),
      privileged: z.boolean().optional(),
      capabilities: capabilities.optional(),
      seccompProfile: seccompProfile.optional(),
    })
    .strict(),
);

/** Affinity is passed through as Kubernetes writes it; only its top-level keys are checked. */
export const AffinitySchema = lazySchema(() =>
  z
    .object({
      nodeAffinity: z.record(z.string(), z.unknown()).optional(),
      podAffinity: z.record(z.string(), z.unknown()).optional(),
      podAntiAffinity: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
);

/** What a pod gets besides its image, command and resources. */
export const PodSettingsSchema = lazySchema(() =>
  z
    .object({
      serviceAccountName: objectName.optional(),
      nodeSelector: z.record(z.string(), z.string()).optional(),
      tolerations: z.array(TolerationSchema).optional(),
      affinity: AffinitySchema.optional(),
      imagePullSecrets: z.array(objectName).optional(),
      securityContext: PodSecurityContextSchema.optional(),
      containerSecurityContext: ContainerSecurityContextSchema.optional(),
      volumes: z.array(PodVolumeSchema).optional(),
      /** Plain variables. */
      env: z.record(envName, z.string()).optional(),
      /** Variables read from one key of a Secret: a reference, never the value. */
      secretEnv: z
        .record(envName, z.object({ secret: objectName, key: secretKey }).strict())
        .optional(),
      envFrom: z.array(EnvFromSchema).optional(),
    })
    .strict(),
);
export type PodSettings = z.infer<typeof PodSettingsSchema>;

/** Which nodes an override applies to: every given criterion must hold. */
export const PodMatchSchema = lazySchema(() =>
  z
    .object({
      /** The node carries at least one of these tags. */
      tags: z.array(z.string().min(1)).min(1).optional(),
      /** The node is in this namespace or one nested in it ("training" matches "training.a"). */
      namespace: z.string().min(1).optional(),
      /** The node's id is one of these. */
      nodes: z.array(z.string().min(1)).min(1).optional(),
    })
    .strict()
    .refine(
      (m) => m.tags !== undefined || m.namespace !== undefined || m.nodes !== undefined,
      "needs at least one of tags, namespace or nodes",
    ),
);
export type PodMatch = z.infer<typeof PodMatchSchema>;

/**
 * Pod settings of a target: defaults for every pod, then `overrides` applied in order to
 * the nodes they match (by tag, namespace or node id).
 *
 * @example
 * const pod: PodConfig = {
 *   serviceAccountName: "pipelines",
 *   securityContext: { runAsNonRoot: true, runAsUser: 1000 },
 *   volumes: [{ name: "scratch", mountPath: "/scratch", emptyDir: {} }],
 *   overrides: [
 *     { match: { tags: ["gpu"] }, nodeSelector: { "nvidia.com/gpu.present": "true" },
 *       tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] },
 *   ],
 * };
 */
export const PodConfigSchema = lazySchema(() =>
  PodSettingsSchema.extend({
    overrides: z.array(PodSettingsSchema.extend({ match: PodMatchSchema }).strict()).optional(),
  }).strict(),
);
export type PodConfig = z.infer<typeof PodConfigSchema>;
