import { ErrorCode, PipewrightError } from "@pipewright/core";

/** The error a node gets when the run is aborted (Ctrl-C) while it runs. */
export function interrupted(node: string): PipewrightError {
  return new PipewrightError(
    ErrorCode.RUN_INTERRUPTED,
    `node "${node}" was abandoned: the run was interrupted. Its outputs were not written.`,
  );
}

/** The error of an attempt that ran past the node's `timeout`. */
export function timedOut(node: string, seconds: number): PipewrightError {
  return new PipewrightError(
    ErrorCode.NODE_FAILED,
    `node "${node}" timed out after ${seconds}s. Raise the node's \`timeout\`, or make it faster.`,
  );
}

export interface GuardOptions {
  node: string;
  signal?: AbortSignal | undefined;
  timeoutSeconds: number | null;
  /** Called when the attempt is abandoned (abort or timeout), e.g. to kill its worker. */
  onAbandon?: () => void;
  /**
   * When the node's own code starts (a worker thread may still be booting before that):
   * the timeout counts from then. Default: now.
   */
  started?: Promise<void>;
}

/**
 * Races an attempt against the run's abort signal and the node's timeout. The attempt
 * itself cannot be stopped when it runs in-process, but its result is then ignored, so
 * nothing it returns is ever written.
 */
export function guard<T>(attempt: Promise<T>, o: GuardOptions): Promise<T> {
  const { signal, timeoutSeconds } = o;
  if (!signal && timeoutSeconds === null) return attempt;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = () => {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const abandon = (error: Error) => {
      settle();
      o.onAbandon?.();
      reject(error);
    };
    const onAbort = () => abandon(interrupted(o.node));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutSeconds !== null) {
      const arm = () => {
        if (settled) return;
        timer = setTimeout(() => abandon(timedOut(o.node, timeoutSeconds)), timeoutSeconds * 1000);
      };
      if (o.started) o.started.then(arm, arm);
      else arm();
    }
    attempt.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
