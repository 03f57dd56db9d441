/**
 * Pod settings: what a task's pod needs beyond its container (secrets, volumes, where it
 * may be scheduled). Defined here, in the shape the other engines' pod settings are
 * expected to take, because core has no shared type for them yet.
 */

/** A Kubernetes toleration (kfp-kubernetes `add_toleration`). */
export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  tolerationSeconds?: number;
}

/** A volume mounted into the container: exactly one source. */
export interface Volume {
  /** Names the volume in messages; the sources below name the Kubernetes objects. */
  name: string;
  /** Absolute path in the container. */
  mountPath: string;
  /** Kubernetes mounts secrets and config maps read-only; KFP cannot mount a claim read-only. */
  readOnly?: boolean;
  /** Name of an existing PersistentVolumeClaim (ReadWriteMany when tasks run side by side). */
  persistentVolumeClaim?: string;
  /** Name of a secret, one file per key. */
  secret?: string;
  /** Name of a config map, one file per key. */
  configMap?: string;
  /** A scratch folder that lives as long as the pod; `true` for the defaults. */
  emptyDir?: true | { medium?: "Memory"; sizeLimit?: string };
}

/** An environment variable read from a key of a Kubernetes secret: never a secret value in the file. */
export interface SecretRef {
  secret: string;
  key: string;
}

/** What pod settings hold, for every task or for an override. */
export interface PodFields {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  imagePullSecrets?: string[];
  volumes?: Volume[];
  /** Plain values, or references to secret keys. */
  env?: Record<string, string | SecretRef>;
}

/** Settings added to the tasks that run a node with this tag or in this namespace. */
export interface PodOverride extends PodFields {
  tag?: string;
  namespace?: string;
}

export interface PodSettings extends PodFields {
  /**
   * Not expressible in a KFP pipeline file: KFP and Vertex AI take the service account per
   * run. Given here, it is refused with how to set it instead.
   */
  serviceAccountName?: string;
  /** Applied in order after the base settings, to every task running a matching node. */
  overrides?: PodOverride[];
}
