import { fileURLToPath } from "node:url";
import { compile, dataset, node, type Plan, param, pipeline } from "@pipewright/core";
import { z } from "zod";

/** The repository root: plans record file paths relative to it, whatever the cwd. */
export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const IMAGE = "registry.example.com/small:1.0";

/** Every dataset in the catalog, as parquet on S3: what a cluster deployment looks like. */
export const s3Catalog = {
  resolve: (id: string) => ({ type: "parquet", uri: `s3://bucket/data/${id}.parquet` }),
};

const rows = z.array(z.object({ id: z.number(), value: z.number() }));

/**
 * A small pipeline with the shapes that matter to the adapter: a fan-out, a fan-in, a
 * namespace, tags, params of every KFP type, per-node resources, retries and a timeout.
 */
export function smallPlan(catalog: { resolve: (id: string) => unknown } = s3Catalog): Plan {
  const raw = dataset("raw", rows);
  const clean = dataset("clean", rows);
  const features = dataset("features", rows);
  const stats = dataset("stats", z.object({ mean: z.number() }));
  const model = dataset("model", z.object({ weights: z.array(z.number()) }));
  const report = dataset("report", z.string());
  const alpha = param("model.alpha", z.number(), { runtime: true });
  const epochs = param("model.epochs", z.number().int(), { runtime: true });
  const columns = param("columns", z.array(z.string()), { runtime: true });
  const options = param("options", z.object({ scale: z.boolean() }), { runtime: true });
  const title = param("title", z.string(), { runtime: true });
  const verbose = param("verbose", z.boolean(), { runtime: true });
  return compile(
    pipeline([
      node({
        name: "clean",
        inputs: { raw, columns },
        outputs: { clean },
        run: ({ raw }) => ({ clean: raw }),
        tags: ["prep"],
      }),
      node({
        name: "featurize",
        inputs: { clean, options },
        outputs: { features },
        run: ({ clean }) => ({ features: clean }),
        tags: ["prep"],
        resources: { cpu: "2", memory: "4Gi" },
      }),
      node({
        name: "stats",
        inputs: { clean, verbose },
        outputs: { stats },
        run: () => ({ stats: { mean: 0 } }),
        timeout: 600,
      }),
      pipeline([
        node({
          name: "train",
          inputs: { features, alpha, epochs },
          outputs: { model },
          run: ({ alpha }) => ({ model: { weights: [alpha] } }),
          retries: 2,
          resources: { gpu: 1 },
        }),
      ]).namespace("science", { inputs: ["features"], params: ["model.alpha", "model.epochs"] }),
      node({
        name: "report",
        inputs: { stats, model: model.withName("science.model"), title },
        outputs: { report },
        run: () => ({ report: "ok" }),
      }),
    ]),
    {
      name: "small",
      catalog: catalog as never,
      params: {
        model: { alpha: 0.1, epochs: 20 },
        columns: ["id", "value"],
        options: { scale: true },
        title: "Weekly report",
        verbose: false,
      },
      root: ROOT,
    },
  );
}
