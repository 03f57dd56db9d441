import { ErrorCode, type Issue } from "@pipewright/core";
import { YamlSource } from "../conf/yaml-source.ts";
import { CatalogError } from "../errors.ts";
import { label } from "./catalog.ts";
import { type Env, interpolateEnv } from "./env.ts";
import { isAnchorKey } from "./schema.ts";
import { secretCredentials } from "./secret-credentials.ts";

/** conf/credentials.yaml: name -> key -> value, e.g. `{ minio: { accessKeyId, secretAccessKey, endpoint } }`. */
export interface Credentials {
  [name: string]: Record<string, string>;
}

/**
 * Reads conf/credentials.yaml (`${env:VAR}` allowed). A missing file gives `{}`, since
 * many projects take credentials from the environment alone. Entries handed to a pod
 * from Kubernetes Secrets (see secretCredentials) are added, key by key over the file's.
 * Errors name the file, line, entry and key, never a value.
 *
 * @example
 * const credentials = await loadCredentials("conf/credentials.yaml");
 * const store = new DataStore({ root, credentials });
 */
export async function loadCredentials(
  file: string,
  env: Env = process.env,
  root: string = process.cwd(),
): Promise<Credentials> {
  const { source, value, issues } = await YamlSource.read(file, label(file, root), "empty", root);
  CatalogError.throwIfAny(issues);
  const out: Credentials = {};
  const fromSecrets = secretCredentials(env);
  for (const [name, entry] of Object.entries(fromSecrets)) out[name] = { ...entry };
  if (value === undefined || value === null) return out;
  const problems: Issue[] = [];
  const report = (path: (string | number)[], code: Issue["code"], message: string) => {
    const where = source.where(path);
    problems.push({
      code,
      message: `${where}: credentials${path.length > 0 ? ` "${path[0]}"` : ""}: ${message}.`,
      path: [where, ...path.map(String)],
    });
  };
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    if (isAnchorKey(name)) continue;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      report(
        [name],
        ErrorCode.CATALOG_INVALID,
        "must be a mapping of keys to values (accessKeyId: ..., secretAccessKey: ...)",
      );
      continue;
    }
    const values: Record<string, string> = {};
    for (const [key, raw] of Object.entries(entry)) {
      // Say which key is wrong, never what it holds: this file is full of secrets.
      if (raw === null || typeof raw === "object") {
        report([name, key], ErrorCode.CATALOG_INVALID, `key "${key}" must be a single value`);
        continue;
      }
      const v = interpolateEnv(String(raw), env, (_, i) =>
        report([name, key], i.code, `key "${key}": ${i.message}`),
      );
      values[key] = v as string;
    }
    out[name] = { ...values, ...fromSecrets[name] };
  }
  CatalogError.throwIfAny(problems);
  return out;
}
