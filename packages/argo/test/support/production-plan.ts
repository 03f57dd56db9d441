import { compile, dataset, node, type Plan, param, pipeline } from "@pipewright/core";
import { z } from "zod";
import { ROOT } from "./fixtures.ts";

const rows = z.array(z.number());

/** A plan with a runtime param, credentials on S3 datasets, tags and a namespace. */
export function productionPlan(): Plan {
  const raw = dataset("raw", rows);
  const clean = dataset("clean", rows);
  const model = dataset("model", z.object({ w: z.number() }));
  const report = dataset("report", z.string());
  const day = param("run.day", z.string(), { runtime: true });
  const alpha = param("model.alpha", z.number());
  return compile(
    pipeline([
      node({
        name: "clean",
        inputs: { raw },
        outputs: { clean },
        run: ({ raw }) => ({ clean: raw }),
        tags: ["prep"],
        retries: 2,
        timeout: 5,
      }),
      pipeline([
        node({
          name: "train",
          inputs: { clean, alpha },
          outputs: { model },
          run: ({ alpha }) => ({ model: { w: alpha } }),
          tags: ["gpu"],
        }),
      ]).namespace("science", { inputs: ["clean"], params: ["model.alpha"] }),
      node({
        name: "report",
        inputs: { model: model.withName("science.model"), day },
        outputs: { report },
        run: ({ day }) => ({ report: day }),
      }),
    ]),
    {
      name: "prod",
      root: ROOT,
      params: { model: { alpha: 0.5 }, run: { day: "2026-01-31" } },
      catalog: {
        resolve: (id) =>
          id === "raw"
            ? { type: "json", uri: "s3://lake/raw.json", credentials: "lake" }
            : { type: "json", uri: `s3://work/${id}.json`, credentials: "work" },
      },
    },
  );
}
