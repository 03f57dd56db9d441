import { CompileError, ErrorCode } from "@pipewright/core";
import { containerText, LBRACE_ENV } from "./escape.ts";
import type { ArgoOptions } from "./options.ts";

type EnvVar =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

const byName = <T>(record: Record<string, T> | undefined): [string, T][] =>
  Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The pods' environment: the brace helper first (later values may refer to it), then the
 * storage variables the io package reads (PIPEWRIGHT_CACHE, AWS_*), then the user's plain
 * and secret variables sorted by name. Secrets are references only: the YAML never holds
 * a secret value. A name set twice is an error rather than a silent override.
 */
export function containerEnv(options: ArgoOptions, lbrace: boolean): EnvVar[] {
  const env: EnvVar[] = [];
  if (lbrace) env.push({ name: LBRACE_ENV, value: "{" });
  const storage = options.storage ?? {};
  if (storage.cache !== undefined)
    env.push({ name: "PIPEWRIGHT_CACHE", value: containerText(storage.cache) });
  if (storage.endpoint !== undefined)
    env.push({ name: "AWS_ENDPOINT_URL", value: containerText(storage.endpoint) });
  if (storage.region !== undefined)
    env.push({ name: "AWS_REGION", value: containerText(storage.region) });
  if (storage.credentialsSecret !== undefined) {
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
      env.push({
        name: key,
        valueFrom: { secretKeyRef: { name: storage.credentialsSecret, key } },
      });
    }
  }
  for (const [name, value] of byName(options.env)) env.push({ name, value: containerText(value) });
  for (const [name, ref] of byName(options.secretEnv)) {
    env.push({ name, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } });
  }
  const seen = new Set<string>();
  const clashes = new Set<string>();
  for (const e of env) {
    if (seen.has(e.name)) clashes.add(e.name);
    seen.add(e.name);
  }
  if (clashes.size > 0) {
    throw new CompileError(
      [...clashes].map((name) => ({
        code: ErrorCode.ADAPTER_OPTION,
        message: `argo option env/secretEnv sets ${name} twice (or it is one pipewright sets from storage: PIPEWRIGHT_CACHE, AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ${LBRACE_ENV}). Set it in one place only.`,
        path: ["argo", "env", name],
      })),
    );
  }
  return env;
}

/** Every user string that ends up in an env value, to know whether LBRACE_ENV is needed. */
export function envTexts(options: ArgoOptions): string[] {
  const s = options.storage ?? {};
  return [...Object.values(options.env ?? {}), s.cache, s.endpoint, s.region].filter(
    (v): v is string => v !== undefined,
  );
}
