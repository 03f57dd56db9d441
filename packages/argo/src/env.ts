import { CompileError, ErrorCode } from "@pipewright/core";
import { containerText, LBRACE_ENV } from "./escape.ts";
import { type ArgoOptions, DEFAULT_STATE_DIR } from "./options.ts";

type EnvVar = { name: string } & Record<string, unknown>;

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
  env.push({
    name: "PIPEWRIGHT_STATE_DIR",
    value: containerText(options.stateDir ?? DEFAULT_STATE_DIR),
  });
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
  checkClashes(env);
  return env;
}

/**
 * A container's full environment: the shared variables, then its pod settings' own, then
 * the runtime params'. A name set twice is an error rather than a silent override.
 */
export function withPodEnv(
  base: readonly Record<string, unknown>[],
  pod: readonly Record<string, unknown>[],
  runtime: readonly Record<string, unknown>[],
): EnvVar[] {
  const env = [...base, ...pod, ...runtime] as EnvVar[];
  checkClashes(env);
  return env;
}

function checkClashes(env: readonly EnvVar[]): void {
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
        message: `argo options env/secretEnv/pod set ${name} twice (or it is one pipewright sets: PIPEWRIGHT_CACHE, PIPEWRIGHT_STATE_DIR, PIPEWRIGHT_PARAM_<n>, PIPEWRIGHT_CREDENTIALS_DIR, AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ${LBRACE_ENV}). Set it in one place only.`,
        path: ["argo", "env", name],
      })),
    );
  }
}

/** Every user string that ends up in an env value, to know whether LBRACE_ENV is needed. */
export function envTexts(options: ArgoOptions): string[] {
  const s = options.storage ?? {};
  const pods = [options.pod, ...(options.pod?.overrides ?? [])];
  return [
    ...Object.values(options.env ?? {}),
    ...pods.flatMap((p) => Object.values(p?.env ?? {})),
    s.cache,
    s.endpoint,
    s.region,
    options.stateDir,
  ].filter((v): v is string => typeof v === "string");
}
