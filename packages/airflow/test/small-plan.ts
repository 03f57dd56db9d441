import { fileURLToPath } from "node:url";
import { compile, dataset, node, type Plan, param, pipeline } from "@pipewright/core";
import { z } from "zod";

// Golden files embed this plan's hash, which covers this file's text: keep the file
// stable, and rewrite the goldens (UPDATE_GOLDEN=1) when it must change.
const root = fileURLToPath(new URL("../../..", import.meta.url)).replace(/\/$/, "");

const rows = z.array(z.object({ id: z.number(), value: z.number() }));
const catalog = {
  resolve: (id: string) => ({ type: "parquet", uri: `s3://bucket/data/${id}.parquet` }),
};

/**
 * A small pipeline with a namespace, a param, resources, retries and a timeout:
 * ingest -> (features.clean -> features.scale) -> train -> report.
 */
export function smallPlan(): Plan {
  const raw = dataset("raw", rows);
  const clean = dataset("clean", rows);
  const scaled = dataset("scaled", rows);
  const model = dataset("model", z.object({ weights: z.array(z.number()) }));
  const report = dataset("report", z.object({ score: z.number() }));
  const factor = param("scale.factor", z.number());

  const features = pipeline([
    node({
      name: "clean",
      inputs: { raw },
      outputs: { clean },
      run: ({ raw }) => ({ clean: raw }),
      tags: ["prep"],
    }),
    node({
      name: "scale",
      inputs: { clean, factor },
      outputs: { scaled },
      run: ({ clean, factor }) => ({
        scaled: clean.map((r) => ({ ...r, value: r.value * factor })),
      }),
      tags: ["prep"],
      resources: { cpu: "500m", memory: "1Gi" },
    }),
  ]).namespace("features", { inputs: [raw], outputs: [scaled], params: [factor] });

  const p = pipeline([
    node({
      name: "ingest",
      outputs: { raw },
      run: () => ({ raw: [{ id: 1, value: 2 }] }),
      retries: 3,
      timeout: 600,
    }),
    features,
    node({
      name: "train",
      inputs: { scaled },
      outputs: { model },
      run: ({ scaled }) => ({ model: { weights: scaled.map((r) => r.value) } }),
      resources: { cpu: 2, memory: "4Gi", gpu: 1 },
      tags: ["ml"],
    }),
    node({
      name: "report",
      inputs: { model, scaled },
      outputs: { report },
      run: ({ model }) => ({ report: { score: model.weights.length } }),
      tags: ["ml"],
    }),
  ]);
  return compile(p, {
    name: "small",
    catalog,
    params: { scale: { factor: 2 } },
    root,
  });
}
