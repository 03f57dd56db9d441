import type { PodMatch } from "@pipewright/core";
/**
 * Pod settings: what a task's pod needs beyond its container (secrets, volumes, where it
 * may be scheduled). The shape is the engine-neutral `PodConfig` being added to core for
 * Argo and Airflow (Kubernetes' own field names), restricted to what a KFP platform spec can
 * express; it lives here until that type is in core. Fields KFP cannot express are refused
 * by name rather than dropped (see validate-pod.ts).
 */

/** A Kubernetes toleration (kfp-kubernetes `add_toleration`). */
export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  tolerationSeconds?: number;
}

/** A volume and where the container mounts it: exactly one source. */
export interface Volume {
  /** A DNS-1123 label: Kubernetes names the volume with it (scratch folders). */
  name: string;
  /** Absolute path in the container. */
  mountPath: string;
  /** Folder of the claim to mount (claims only: KFP has no sub-path for the other sources). */
  subPath?: string;
  /** Secrets and config maps are mounted read-only; KFP cannot mount a claim read-only. */
  readOnly?: boolean;
  /** An existing claim (ReadWriteMany when tasks run side by side). */
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  /** A secret, one file per key. */
  secret?: { secretName: string };
  /** A config map, one file per key. */
  configMap?: { name: string };
  /** A scratch folder that lives as long as the pod. */
  emptyDir?: { medium?: "" | "Memory"; sizeLimit?: string };
}

/** A variable read from one key of a Kubernetes secret: a reference, never the value. */
export interface SecretRef {
  secret: string;
  key: string;
}

/** What pod settings hold, for every task or in an override. */
export interface PodSettings {
  /**
   * Not expressible in a KFP pipeline file: KFP and Vertex AI take the service account per
   * run. Given here, it is refused with how to set it instead.
   */
  serviceAccountName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  imagePullSecrets?: string[];
  volumes?: Volume[];
  /** Plain variables. */
  env?: Record<string, string>;
  /** Variables read from one key of a secret. */
  secretEnv?: Record<string, SecretRef>;
}

/** Which nodes an override applies to: the same criteria as the other adapters' pods. */
export type { PodMatch } from "@pipewright/core";

/** Settings for the tasks running a matching node, applied after the defaults. */
export interface PodOverride extends Omit<PodSettings, "serviceAccountName"> {
  match: PodMatch;
}

/**
 * Pod settings of the target: defaults for every task, then `overrides` applied in order to
 * the tasks running a node they match.
 *
 * @example
 * const pod: PodConfig = {
 *   volumes: [{ name: "data", mountPath: "/app/data", persistentVolumeClaim: { claimName: "data" } }],
 *   overrides: [{ match: { tags: ["gpu"] }, nodeSelector: { pool: "gpu" } }],
 * };
 */
export interface PodConfig extends PodSettings {
  overrides?: PodOverride[];
}
