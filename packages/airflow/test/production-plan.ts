import { fileURLToPath } from "node:url";
import { compile, dataset, node, type Plan, param, pipeline } from "@pipewright/core";
import { z } from "zod";

/** A plan with a runtime param, credentials on S3 datasets, retries, a timeout, a tag and a namespace. */
export function productionPlan(): Plan {
  const raw = dataset("raw", z.array(z.number()));
  const clean = dataset("clean", z.array(z.number()));
  const model = dataset("model", z.object({ w: z.number() }));
  const report = dataset("report", z.string());
  const day = param("run.day", z.string(), { runtime: true });
  return compile(
    pipeline([
      node({
        name: "clean",
        inputs: { raw },
        outputs: { clean },
        run: ({ raw }) => ({ clean: raw }),
        retries: 2,
        timeout: 5,
      }),
      pipeline([
        node({
          name: "train",
          inputs: { clean },
          outputs: { model },
          run: () => ({ model: { w: 1 } }),
          tags: ["gpu"],
        }),
      ]).namespace("science", { inputs: ["clean"] }),
      node({
        name: "report",
        inputs: { model: model.withName("science.model"), day },
        outputs: { report },
        run: ({ day }) => ({ report: day }),
      }),
    ]),
    {
      name: "prod",
      root: fileURLToPath(new URL("../../../", import.meta.url)),
      params: { run: { day: "2026-01-31" } },
      catalog: {
        resolve: (id) =>
          id === "raw"
            ? { type: "json", uri: "s3://lake/raw.json", credentials: "lake" }
            : { type: "json", uri: `s3://work/${id}.json`, credentials: "work" },
      },
    },
  );
}
