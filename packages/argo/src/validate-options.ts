import {
  CompileError,
  closest,
  credentialSecretsIssues,
  ErrorCode,
  type Issue,
  podConfigIssues,
} from "@pipewright/core";
import * as check from "./checks.ts";
import { MAX_BATCHES_LIMIT } from "./fan-out.ts";
import { type ArgoOptions, OPTION_KEYS } from "./options.ts";

const KINDS = ["workflow", "template", "cron"];
const POLICIES = ["Allow", "Forbid", "Replace"];

/**
 * Checks every option and throws one CompileError (code ADAPTER_OPTION) listing all the
 * problems, each with its path (`argo.storage.cache`), so a config is fixed in one go.
 * Options usually come from a user's pipewright.config.ts, so types are checked too.
 */
export function validateOptions(options: ArgoOptions): void {
  const issues: Issue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({
      code: ErrorCode.ADAPTER_OPTION,
      message: `argo option ${path} ${message}.`,
      path: ["argo", ...path.split(".")],
    });
  };
  // Strings that reach the container (pipeline, command, args, env values) are encoded
  // (see escape.ts); the others are checked for "{{" where their format allows braces.
  const str = (path: string, value: unknown, ...checks: check.Check[]): void => {
    if (value === undefined) return;
    if (typeof value !== "string" || value === "") {
      add(path, `must be a non-empty string, got ${JSON.stringify(value)}`);
      return;
    }
    const problem = checks.map((c) => c(value)).find((p) => p !== undefined);
    if (problem) add(path, `${JSON.stringify(value)} ${problem}`);
  };
  const int = (path: string, value: unknown, min: number): void => {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min)) {
      add(path, `must be an integer >= ${min}, got ${JSON.stringify(value)}`);
    }
  };
  const record = (path: string, value: unknown): [string, unknown][] => {
    if (value === undefined) return [];
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      add(path, "must be an object of names to values");
      return [];
    }
    return Object.entries(value);
  };
  const strings = (path: string, value: unknown, allowEmpty: boolean): void => {
    if (value === undefined) return;
    if (
      !Array.isArray(value) ||
      value.some((v) => typeof v !== "string") ||
      (!allowEmpty && value.length === 0)
    ) {
      add(
        path,
        `must be ${allowEmpty ? "a" : "a non-empty"} list of strings, got ${JSON.stringify(value)}`,
      );
    }
  };

  if (typeof options !== "object" || options === null)
    throw new CompileError([
      {
        code: ErrorCode.ADAPTER_OPTION,
        message: "argo options must be an object with at least { image }.",
        path: ["argo"],
      },
    ]);
  for (const key of Object.keys(options)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      const guess = closest(key, OPTION_KEYS);
      add(
        key,
        `is not an option${guess ? `; did you mean "${guess}"?` : ""} Known options: ${OPTION_KEYS.join(", ")}`,
      );
    }
  }
  if (options.kind !== undefined && !KINDS.includes(options.kind))
    add("kind", `must be one of ${KINDS.join(", ")}, got ${JSON.stringify(options.kind)}`);
  if (options.image === undefined)
    add(
      "image",
      'is required: the image that holds your project, e.g. "ghcr.io/acme/spaceflights:1.0"',
    );
  str("image", options.image, check.noTemplateTag, (v) =>
    /\s/.test(v) ? "contains white space" : undefined,
  );
  str("pipeline", options.pipeline);
  str("name", options.name);
  str("namespace", options.namespace, check.dnsLabel);
  str("serviceAccountName", options.serviceAccountName, check.dnsSubdomain);
  str("workingDir", options.workingDir, check.noTemplateTag);
  strings("command", options.command, false);
  strings("extraArgs", options.extraArgs, true);
  for (const [name, value] of record("env", options.env)) {
    str(`env.${name}`, name, check.envName);
    if (typeof value !== "string") add(`env.${name}`, "must be a string");
  }
  for (const [name, ref] of record("secretEnv", options.secretEnv)) {
    str(`secretEnv.${name}`, name, check.envName);
    const r = (ref ?? {}) as { secret?: unknown; key?: unknown };
    if (r.secret === undefined || r.key === undefined)
      add(`secretEnv.${name}`, 'must be { secret: "<secret name>", key: "<key in the secret>" }');
    str(`secretEnv.${name}.secret`, r.secret, check.dnsSubdomain);
    str(`secretEnv.${name}.key`, r.key, check.secretKey);
  }
  const storage = options.storage ?? {};
  str("storage.cache", storage.cache, check.s3Uri);
  str("storage.endpoint", storage.endpoint, check.httpUrl);
  str("storage.region", storage.region);
  str("storage.credentialsSecret", storage.credentialsSecret, check.dnsSubdomain);
  const resources = options.resources ?? {};
  str(
    "resources.cpu",
    typeof resources.cpu === "number" ? String(resources.cpu) : resources.cpu,
    check.quantity,
  );
  str("resources.memory", resources.memory, check.quantity);
  int("resources.gpu", resources.gpu, 0);
  int("retries", options.retries, 0);
  int("timeoutSeconds", options.timeoutSeconds, 1);
  int("startupSeconds", options.startupSeconds, 0);
  int("fanOut.maxBatches", options.fanOut?.maxBatches, 1);
  if ((options.fanOut?.maxBatches ?? 0) > MAX_BATCHES_LIMIT)
    add("fanOut.maxBatches", `must be at most ${MAX_BATCHES_LIMIT} (each batch is a pod)`);
  str("stateDir", options.stateDir, check.noTemplateTag, (v) =>
    v.startsWith("/") ? undefined : "is not an absolute path",
  );
  if (options.retryBackoff !== undefined) {
    const b = options.retryBackoff;
    str("retryBackoff.duration", b.duration, check.goDuration);
    str("retryBackoff.maxDuration", b.maxDuration, check.goDuration);
    int("retryBackoff.factor", b.factor, 1);
  }
  if (options.pod !== undefined) {
    issues.push(...podConfigIssues(options.pod, ["argo", "pod"]));
    // Env values are encoded for the container; every other string is read by Argo.
    for (const [path, text] of strings_(options.pod, "pod")) {
      if (path.includes(".env.")) continue;
      const problem = check.noTemplateTag(text);
      if (problem) add(path, `${JSON.stringify(text)} ${problem}`);
    }
  }
  if (options.credentials !== undefined)
    issues.push(...credentialSecretsIssues(options.credentials, ["argo", "credentials"]));
  int("parallelism", options.parallelism, 1);
  for (const [key, value] of record("labels", options.labels)) {
    str(`labels.${key}`, key, check.metadataKey);
    if (typeof value !== "string" || check.labelValue(value))
      add(`labels.${key}`, `value ${JSON.stringify(value)} ${check.labelValue(String(value))}`);
  }
  for (const [key, value] of record("annotations", options.annotations)) {
    str(`annotations.${key}`, key, check.metadataKey);
    if (typeof value !== "string") add(`annotations.${key}`, "must be a string");
    else if (check.noTemplateTag(value))
      add(`annotations.${key}`, `value ${check.noTemplateTag(value)}`);
  }
  if ((options.kind ?? "workflow") === "cron") {
    if (!Array.isArray(options.schedules) || options.schedules.length === 0) {
      add(
        "schedules",
        'is required for kind "cron": a list of cron schedules such as ["0 3 * * *"]',
      );
    } else {
      for (const [i, s] of options.schedules.entries())
        str(`schedules.${i}`, s, check.cronSchedule);
    }
    str("timezone", options.timezone, check.timezone);
    if (options.concurrencyPolicy !== undefined && !POLICIES.includes(options.concurrencyPolicy)) {
      add("concurrencyPolicy", `must be one of ${POLICIES.join(", ")}`);
    }
  }
  if (options.memoize) {
    str("memoize.maxAge", options.memoize.maxAge, check.goDuration);
    if (options.memoize.maxAge === undefined) add("memoize.maxAge", 'is required, e.g. "24h"');
    str("memoize.configMap", options.memoize.configMap, check.dnsSubdomain);
  }
  if (options.artifactRepositoryRef !== undefined) {
    str(
      "artifactRepositoryRef.configMap",
      options.artifactRepositoryRef.configMap,
      check.dnsSubdomain,
    );
    str("artifactRepositoryRef.key", options.artifactRepositoryRef.key, check.secretKey);
  }
  CompileError.throwIfAny(issues);
}

/** Every string inside a value, with its dotted path. */
function strings_(value: unknown, path: string): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => strings_(v, `${path}.${k}`));
}
