import { ErrorCode, type Issue } from "@pipewright/core";

// ${env:VAR} or ${env:VAR,default}; VAR is a POSIX environment variable name.
const REFERENCE = /\$\{([^}]*)\}/g;
const ENV = /^env:([A-Za-z_][A-Za-z0-9_]*)(?:,(.*))?$/s;

export type Env = Record<string, string | undefined>;

/**
 * Replaces `${env:VAR}` and `${env:VAR,default}` in every string of `value`. A missing
 * variable without default, or any other `${...}`, is reported through `report` with
 * the path of the string; the reference is then left as written.
 */
export function interpolateEnv(
  value: unknown,
  env: Env,
  report: (path: (string | number)[], issue: Omit<Issue, "path">) => void,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    return value.replace(REFERENCE, (whole, body: string) => {
      const m = ENV.exec(body);
      if (!m) {
        report(path, {
          code: ErrorCode.CATALOG_INVALID,
          message: `unsupported interpolation "${whole}"; only \${env:VAR} and \${env:VAR,default} are allowed`,
        });
        return whole;
      }
      const [, name, fallback] = m;
      const v = env[name!];
      if (v !== undefined) return v;
      if (fallback !== undefined) return fallback;
      report(path, {
        code: ErrorCode.MISSING_ENV,
        message: `environment variable ${name} is not set; set it, or give a default with \${env:${name},default}`,
      });
      return whole;
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => interpolateEnv(v, env, report, [...path, i]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = interpolateEnv(v, env, report, [...path, k]);
    return out;
  }
  return value;
}
