import { z } from "zod";
import type { Issue } from "../errors/errors.ts";
import { lazySchema } from "../util/lazy-schema.ts";
import { optionIssues } from "./option-issues.ts";
import type { PodSettings } from "./pod.ts";
import type { Plan } from "./schema.ts";

/**
 * How a named credentials entry (catalog `credentials: minio`) reaches a pod: from a
 * Kubernetes Secret whose keys are the entry's keys (accessKeyId, secretAccessKey,
 * endpoint ...). With `mount: "env"` (the default) every key becomes the variable
 * `PIPEWRIGHT_CREDENTIALS__<name>__<key>`; with `mount: "file"` the Secret is mounted
 * read-only at `<PIPEWRIGHT_CREDENTIALS_DIR>/<name>/`, one file per key. pipewright reads
 * both ways when it loads credentials, so conf/credentials.yaml need not be in the image.
 */
export const CREDENTIALS_ENV_PREFIX = "PIPEWRIGHT_CREDENTIALS__";
export const CREDENTIALS_DIR_ENV = "PIPEWRIGHT_CREDENTIALS_DIR";
/** Where file-mounted credentials go in a pod. */
export const CREDENTIALS_MOUNT_DIR = "/var/run/secrets/pipewright/credentials";

const CREDENTIAL_NAME = /^[-._a-zA-Z0-9]+$/;

export const CredentialSecretSchema = lazySchema(() =>
  z
    .object({
      secret: z
        .string()
        .max(253)
        .regex(
          /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
          "must be a Kubernetes Secret name (lowercase letters, digits, '-', '.')",
        ),
      mount: z.enum(["env", "file"]).optional(),
    })
    .strict(),
);
/** Credentials entry name -> the Secret that holds it in the cluster. */
export const CredentialSecretsSchema = lazySchema(() =>
  z.record(
    z.string().regex(CREDENTIAL_NAME, "must use only letters, digits, '-', '_' and '.'"),
    CredentialSecretSchema,
  ),
);
export type CredentialSecrets = z.infer<typeof CredentialSecretsSchema>;

/** Every problem of a target's `credentials` option, with paths under `prefix`. */
export function credentialSecretsIssues(value: unknown, prefix: readonly string[]): Issue[] {
  return optionIssues(CredentialSecretsSchema, value, prefix);
}

/** The credentials names each node's datasets use (read or written), sorted. */
export function nodeCredentials(plan: Plan): Map<string, string[]> {
  const byDataset = new Map(plan.datasets.map((d) => [d.id, d.storage.credentials]));
  const out = new Map<string, string[]>();
  for (const n of plan.nodes) {
    const names = new Set<string>();
    for (const id of [...Object.values(n.inputs), ...Object.values(n.outputs)]) {
      const c = byDataset.get(id);
      if (c !== undefined) names.add(c);
    }
    out.set(n.id, [...names].sort());
  }
  return out;
}

/** A volume name for a credentials entry: a DNS label, unique per name. */
function volumeName(name: string, index: number): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `pw-cred-${index}${slug ? `-${slug}` : ""}`.slice(0, 63).replace(/-+$/, "");
}

/**
 * The pod settings that bring `names` into a pod from their Secrets: envFrom with the
 * entry's prefix, or a read-only secret volume under CREDENTIALS_MOUNT_DIR (and the
 * variable that tells pipewright where). Names without a Secret are returned as
 * `unmapped`: the pod then needs them from conf/credentials.yaml in the image.
 */
export function credentialPodSettings(
  names: readonly string[],
  secrets: CredentialSecrets | undefined,
): { settings: PodSettings; unmapped: string[] } {
  const envFrom: NonNullable<PodSettings["envFrom"]> = [];
  const volumes: NonNullable<PodSettings["volumes"]> = [];
  const unmapped: string[] = [];
  const all = Object.keys(secrets ?? {}).sort();
  for (const name of names) {
    const ref = secrets?.[name];
    if (!ref) {
      unmapped.push(name);
      continue;
    }
    if ((ref.mount ?? "env") === "env") {
      envFrom.push({
        secretRef: ref.secret,
        prefix: `${CREDENTIALS_ENV_PREFIX}${name}__`,
      });
    } else {
      volumes.push({
        name: volumeName(name, all.indexOf(name) + 1),
        mountPath: `${CREDENTIALS_MOUNT_DIR}/${name}`,
        readOnly: true,
        secret: { secretName: ref.secret },
      });
    }
  }
  const settings: PodSettings = {
    ...(envFrom.length > 0 && { envFrom }),
    ...(volumes.length > 0 && { volumes, env: { [CREDENTIALS_DIR_ENV]: CREDENTIALS_MOUNT_DIR } }),
  };
  return { settings, unmapped };
}

/**
 * The credentials pod settings of a target: every Secret the `credentials` option maps
 * (run-node loads the whole catalog, and the catalog checks every credentials name it
 * mentions, so each pod needs them all), and the names the plan's datasets use that no
 * Secret provides, with the nodes that use them (for a warning in the emitted file).
 */
export function podCredentials(
  plan: Plan,
  secrets: CredentialSecrets | undefined,
): { secrets: PodSettings; unmapped: Map<string, string[]> } {
  const unmapped = new Map<string, string[]>();
  for (const [node, names] of nodeCredentials(plan)) {
    for (const name of names) {
      if (secrets?.[name] === undefined) unmapped.set(name, [...(unmapped.get(name) ?? []), node]);
    }
  }
  const all = Object.keys(secrets ?? {}).sort();
  return { secrets: credentialPodSettings(all, secrets).settings, unmapped };
}
