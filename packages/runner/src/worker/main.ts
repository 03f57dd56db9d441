import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.ts";
import { serializeError } from "./protocol.ts";

type NodeFn = (inputs: Record<string, unknown>) => unknown;
interface PipelineLike {
  items: readonly { id: string; run: NodeFn }[];
}

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

/** Imports the config module and finds the pipeline's node functions by id. */
async function loadNodes(init: WorkerInit): Promise<Map<string, NodeFn>> {
  const mod = (await import(pathToFileURL(init.module).href)) as Record<string, unknown>;
  const config = (mod.default ?? mod) as { pipelines?: Record<string, unknown> };
  const entry = config.pipelines?.[init.pipeline];
  if (entry === undefined) {
    const known = Object.keys(config.pipelines ?? {}).join(", ") || "none";
    throw new Error(`${init.module} has no pipeline "${init.pipeline}" (it has: ${known})`);
  }
  let value: unknown = typeof entry === "function" ? await (entry as () => unknown)() : entry;
  // A factory may return a module: `() => import("./pipelines/all.ts")`.
  if (value && typeof value === "object" && !("items" in value) && "default" in value)
    value = (value as { default: unknown }).default;
  const items = (value as PipelineLike | undefined)?.items;
  if (!Array.isArray(items))
    throw new Error(`pipeline "${init.pipeline}" of ${init.module} is not a Pipeline`);
  return new Map(items.map((n) => [n.id, n.run]));
}

try {
  const nodes = await loadNodes(workerData as WorkerInit);
  port.on("message", async (m: ToWorker) => {
    const fn = nodes.get(m.node);
    try {
      if (!fn)
        throw new Error(
          `node "${m.node}" is not in pipeline "${(workerData as WorkerInit).pipeline}" as the worker loaded it`,
        );
      const outputs = await fn(m.inputs);
      post({ type: "result", task: m.task, outputs });
    } catch (error) {
      post({ type: "error", task: m.task, error: serializeError(error) });
    }
  });
  post({ type: "ready" });
} catch (error) {
  post({ type: "init-error", error: serializeError(error) });
}
