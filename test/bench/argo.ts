// Argo adapter benchmark (issue #5): time to emit the manifest of a 10k-node plan (target
// ≤ 1 s). One pod per node does not fit Kubernetes' ~1 MB object limit at 10k nodes, so
// the 10k case packs nodes into pods by namespace (100 pods of 100 nodes), and the
// one-pod-per-node case is measured at 5k nodes; the time to refuse 10k single-node pods
// (MANIFEST_TOO_LARGE) is shown too, since it does all the work but the YAML.
import { compileArgo } from "../../packages/argo/src/index.ts";
import { randomPlan } from "../../packages/argo/test/support/random.ts";
import { type BenchSection, fmtMs, timeMs } from "./types.ts";

const options = {
  image: "registry.example.com/large:1.0",
  storage: { cache: "s3://bucket/cache" },
};

export async function bench(): Promise<BenchSection> {
  const rows: BenchSection["rows"] = [];
  const grouped = randomPlan({ nodes: 10_000, seed: 1, window: 300, namespaces: 100 });
  let size = 0;
  const groupedMs = await timeMs(() => {
    size = compileArgo(grouped, { ...options, group: { by: "namespace" } }).length;
  });
  rows.push({
    name: "10k nodes in 100 pods (group by namespace): emit YAML",
    value: `${fmtMs(groupedMs)} (${(size / 1e6).toFixed(2)} MB)`,
    target: "≤ 1 s",
  });

  const single = randomPlan({ nodes: 5_000, seed: 2, window: 50 });
  const singleMs = await timeMs(() => {
    size = compileArgo(single, options).length;
  });
  rows.push({
    name: "5k nodes, one pod per node (5k tasks in 26 DAG templates): emit YAML",
    value: `${fmtMs(singleMs)} (${(size / 1e6).toFixed(2)} MB)`,
  });

  const large = randomPlan({ nodes: 10_000, seed: 3, window: 50 });
  let message = "";
  const refuseMs = await timeMs(() => {
    try {
      compileArgo(large, options);
    } catch (e) {
      message = (e as Error).message;
    }
  });
  rows.push({
    name: "10k nodes, one pod per node: refused with MANIFEST_TOO_LARGE",
    value: fmtMs(refuseMs),
  });
  return {
    title: "Argo adapter (compileArgo)",
    rows,
    notes: [
      "Plans are random DAGs built with the core API (1-3 inputs per node), every dataset on S3; times are medians of 5 runs after a warm-up.",
      `Refusal message: ${message.slice(0, 160)}...`,
      "Most of the emit time is the yaml library building and printing the document; planHash (serialising the plan) is the next largest part.",
    ],
  };
}
