import { PipewrightError } from "@pipewright/core";
import type { NodeErrorRecord } from "../types.ts";

/** An error as JSON for the run record: code, message, stack, and the original cause. */
export function errorRecord(error: unknown): NodeErrorRecord {
  const e = error instanceof Error ? error : new Error(String(error));
  const record: NodeErrorRecord = {
    code: e instanceof PipewrightError ? e.code : "NODE_FAILED",
    message: e.message,
  };
  if (e.stack) record.stack = e.stack;
  const cause = e.cause;
  if (cause instanceof Error) {
    record.cause = {
      name: cause.name,
      message: cause.message,
      ...(cause.stack !== undefined && { stack: cause.stack }),
    };
  } else if (cause !== undefined) {
    record.cause = { name: typeof cause, message: String(cause) };
  }
  return record;
}

/** Any thrown value as an Error. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
