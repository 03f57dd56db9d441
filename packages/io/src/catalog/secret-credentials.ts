import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CREDENTIALS_DIR_ENV, CREDENTIALS_ENV_PREFIX } from "@pipewright/core";
import type { Credentials } from "./credentials.ts";
import type { Env } from "./env.ts";

/**
 * Credentials entries that a pod received from Kubernetes Secrets, as the Argo and
 * Airflow adapters hand them over (see credentialPodSettings in @pipewright/core):
 * variables `PIPEWRIGHT_CREDENTIALS__<name>__<key>` (a Secret's keys through envFrom with
 * a prefix), and files `$PIPEWRIGHT_CREDENTIALS_DIR/<name>/<key>` (a mounted Secret, one
 * file per key; one trailing newline is dropped, as `kubectl create secret --from-file`
 * often keeps it). Hidden entries (Kubernetes' `..data` links) are skipped.
 */
export function secretCredentials(env: Env): Credentials {
  const out: Credentials = {};
  const set = (name: string, key: string, value: string) => {
    const entry = out[name] ?? {};
    entry[key] = value;
    out[name] = entry;
  };
  const dir = env[CREDENTIALS_DIR_ENV];
  if (dir) {
    for (const name of list(dir)) {
      const folder = join(dir, name);
      if (!isDir(folder)) continue;
      for (const key of list(folder)) {
        const file = join(folder, key);
        if (isFile(file)) set(name, key, readFileSync(file, "utf8").replace(/\r?\n$/, ""));
      }
    }
  }
  // Variables win over files: they are the more specific way to hand over one key.
  for (const [variable, value] of Object.entries(env)) {
    if (value === undefined || !variable.startsWith(CREDENTIALS_ENV_PREFIX)) continue;
    const rest = variable.slice(CREDENTIALS_ENV_PREFIX.length);
    const cut = rest.lastIndexOf("__");
    if (cut <= 0 || cut + 2 >= rest.length) continue;
    set(rest.slice(0, cut), rest.slice(cut + 2), value);
  }
  return out;
}

const list = (dir: string): string[] => {
  try {
    return readdirSync(dir)
      .filter((n) => !n.startsWith("."))
      .sort();
  } catch {
    return [];
  }
};
const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
