import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import dagre from "@dagrejs/dagre";
import { ErrorCode, PipewrightError } from "@pipewright/core";
import { layoutView } from "../client/layout.js";
import type { ContainerLayout, VizData } from "../model/types.ts";

const FIRST_VIEW = { collapsed: new Set<number>(), tags: new Set<string>(), params: false };

/**
 * Lays out the page's first view (everything expanded, no filter) and returns the
 * per-namespace layouts the browser starts from. A stack overflow (a very long chain of
 * nodes) is retried on a worker thread with a large stack; renderHtml stays synchronous
 * by waiting for it with Atomics.wait.
 */
export function firstLayout(data: VizData): Record<string, ContainerLayout> {
  const cache = new Map<string, ContainerLayout>();
  try {
    layoutView(dagre, data, FIRST_VIEW, cache);
    return Object.fromEntries(cache);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return layoutOnBigStack(data);
  }
}

export function layoutOnBigStack(data: VizData): Record<string, ContainerLayout> {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL("./layout-worker.js", import.meta.url), {
    workerData: { data, state: { collapsed: [], tags: [], params: false }, signal, port: port2 },
    transferList: [port2],
    resourceLimits: { stackSizeMb: 256 },
  });
  try {
    Atomics.wait(signal, 0, 0);
    const reply = receiveMessageOnPort(port1)?.message as
      | { layout?: Record<string, ContainerLayout>; error?: string }
      | undefined;
    if (!reply?.layout) {
      throw new PipewrightError(
        ErrorCode.VIZ_LAYOUT_FAILED,
        `the pipeline graph could not be laid out (${reply?.error ?? "the layout thread stopped"}). Render it with --format dot and Graphviz instead.`,
      );
    }
    return reply.layout;
  } finally {
    void worker.terminate();
    port1.close();
  }
}
