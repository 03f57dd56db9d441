/** Messages between the runner and its worker threads. */

export interface WorkerInit {
  /** Absolute path of the module whose default export has `pipelines`. */
  module: string;
  pipeline: string;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
}

export type ToWorker = { type: "run"; task: number; node: string; inputs: Record<string, unknown> };

export type FromWorker =
  | { type: "ready" }
  | { type: "init-error"; error: SerializedError }
  | { type: "result"; task: number; outputs: unknown }
  | { type: "error"; task: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    code: typeof code === "string" ? code : undefined,
  };
}

/** An Error rebuilt on this side, keeping the worker's stack. */
export function reviveError(s: SerializedError): Error {
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  if (s.code) (e as { code?: string }).code = s.code;
  return e;
}
