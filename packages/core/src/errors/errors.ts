import type { ErrorCode } from "./codes.ts";

/** One problem found by validation, zod-style: a stable code, where, and what to do. */
export interface Issue {
  code: ErrorCode;
  message: string;
  /** Where the problem is: node, dataset, key, file:line ... outermost first. */
  path: readonly string[];
  /** Names of the nodes involved, for tools. */
  nodes?: readonly string[];
  /** Names of the datasets involved, for tools. */
  datasets?: readonly string[];
}

/**
 * The base of every error pipewright throws on purpose. `code` is stable (see ErrorCode);
 * the message says what is wrong, where, and how to fix it.
 *
 * @example
 * try { compile(p) } catch (e) { if (e instanceof PipewrightError) console.error(e.code) }
 */
export class PipewrightError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Raised by pipeline operations and `compile()`. Holds every issue found, not only the
 * first: `code` is the code of the first issue, `issues` lists them all.
 */
export class CompileError extends PipewrightError {
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[]) {
    const first = issues[0];
    if (!first) throw new TypeError("CompileError needs at least one issue");
    const message =
      issues.length === 1
        ? first.message
        : `${issues.length} problems:\n${issues.map((i) => `  - [${i.code}] ${i.message}`).join("\n")}`;
    super(first.code, message);
    this.issues = issues;
  }

  /** Throws one CompileError holding `issues`, when there are any. */
  static throwIfAny(issues: readonly Issue[]): void {
    if (issues.length > 0) throw new CompileError(issues);
  }
}
