import { ErrorCode, PipewrightError } from "@pipewright/core";

/** A mistake in how the command was called: exit code 2, with the usage hint. */
export class UsageError extends PipewrightError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(ErrorCode.USAGE, message);
  }
}

/** Codes that mean "the command line named something that does not exist": exit 2. */
export const USAGE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.USAGE,
  ErrorCode.UNKNOWN_PIPELINE,
  ErrorCode.UNKNOWN_TARGET,
  ErrorCode.UNKNOWN_ENV,
  ErrorCode.UNKNOWN_NODE,
  ErrorCode.UNKNOWN_TAG,
  ErrorCode.UNKNOWN_DATASET,
  ErrorCode.UNKNOWN_RUN,
]);
