// Runs the first-view layout on a thread with a large stack. dagre recurses once per
// rank, and a pipeline that is one very long chain (a thousand nodes in a row) overflows
// the main thread's stack; render-html.ts falls back to this worker then.
import { workerData } from "node:worker_threads";
import dagre from "@dagrejs/dagre";
import { layoutView } from "../client/layout.js";

const { data, state, signal, port } = workerData;
try {
  const cache = new Map();
  layoutView(
    dagre,
    data,
    { collapsed: new Set(state.collapsed), tags: new Set(state.tags), params: state.params },
    cache,
  );
  port.postMessage({ layout: Object.fromEntries(cache) });
} catch (error) {
  port.postMessage({ error: String(error?.stack ?? error) });
} finally {
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
