import { CompileError, ErrorCode } from "@pipewright/core";
import { envText, LBRACE_ENV } from "./escape.ts";
import type { KubeflowOptions } from "./options.ts";
import type { SecretRef } from "./pod.ts";

/** The names pipewright sets itself; a user env var of the same name would be ambiguous. */
const OWN = [
  "PIPEWRIGHT_CACHE",
  "AWS_ENDPOINT_URL",
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  LBRACE_ENV,
];
const CREDENTIAL_KEYS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

/** A task's environment: plain values for the container, secret references for the platform spec. */
export interface TaskEnv {
  plain: { name: string; value: string }[];
  /** [env name, secret reference], sorted by name. */
  secrets: [string, SecretRef][];
}

const byName = <T>(entries: Iterable<[string, T]>): [string, T][] =>
  [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The container's environment: the brace helper first (later values refer to it), then the
 * storage variables the io package reads (PIPEWRIGHT_CACHE, AWS_*), then the user's plain
 * variables sorted by name, every value encoded (see escape.ts). Secrets stay references:
 * the file never holds a secret value.
 */
export function taskEnv(
  options: KubeflowOptions,
  env: ReadonlyMap<string, string | SecretRef>,
): TaskEnv {
  const clashes = [...env.keys()].filter((name) => OWN.includes(name));
  if (clashes.length > 0)
    throw new CompileError(
      clashes.map((name) => ({
        code: ErrorCode.ADAPTER_OPTION,
        message: `kubeflow option pod.env sets ${name}, which pipewright sets itself (from storage: ${OWN.join(", ")}). Set it through the storage option instead.`,
        path: ["kubeflow", "pod", "env", name],
      })),
    );
  const storage = options.storage ?? {};
  const raw: [string, string][] = [];
  if (storage.cache !== undefined) raw.push(["PIPEWRIGHT_CACHE", storage.cache]);
  if (storage.endpoint !== undefined) raw.push(["AWS_ENDPOINT_URL", storage.endpoint]);
  if (storage.region !== undefined) raw.push(["AWS_REGION", storage.region]);
  const secrets: [string, SecretRef][] = [];
  if (storage.credentialsSecret !== undefined)
    for (const key of CREDENTIAL_KEYS)
      secrets.push([key, { secret: storage.credentialsSecret, key }]);
  for (const [name, value] of byName(env))
    if (typeof value === "string") raw.push([name, value]);
    else secrets.push([name, value]);
  const plain = raw.map(([name, value]) => ({ name, value: envText(value) }));
  if (raw.some(([, v]) => v.includes("{{"))) plain.unshift({ name: LBRACE_ENV, value: "{" });
  return { plain, secrets: byName(secrets) };
}
