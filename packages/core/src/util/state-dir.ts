import { accessSync, constants, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256 } from "./canonical.ts";

/** Overrides where pipewright keeps its state (run records, the default cache store). */
export const STATE_DIR_ENV = "PIPEWRIGHT_STATE_DIR";

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Where the runner writes its state for the project at `root`: `$PIPEWRIGHT_STATE_DIR`
 * when set (the Argo and Airflow adapters set it in every pod), else `<root>/.pipewright`
 * when that can be written, else a folder of its own in the temp dir. The last case is a
 * container running as a non-root user over a root-owned project (`USER node` over
 * `COPY . /app`): its outputs go to the catalog's storage, and its state must not make
 * the task fail after the work is done.
 *
 * @example
 * stateDir("/app") // "/app/.pipewright", or e.g. "/tmp/pipewright-1000/3f2a9c0d1e4b5a6c"
 */
export function stateDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env[STATE_DIR_ENV];
  if (given) return resolve(root, given);
  const local = join(root, ".pipewright");
  if (existsSync(local) ? writable(local) : writable(root)) return local;
  const user = typeof process.getuid === "function" ? process.getuid() : "user";
  return join(tmpdir(), `pipewright-${user}`, sha256(resolve(root)).slice(0, 16));
}
