// Prints the small complete plan shown in docs/plan.md: `pnpm tsx scripts/plan-example.ts`.

import { compile, dataset, metrics, node, param, pipeline, serializePlan } from "@pipewright/core";
import { z } from "zod";

const Rows = z.array(z.object({ x: z.number(), y: z.number() }));
const points = dataset("points", Rows, { description: "raw observations" });
const model = dataset("model", z.object({ slope: z.number() }));
const score = metrics("score", z.object({ mae: z.number() }));
const scale = param("fit.scale", z.number().positive());

const fit = node({
  name: "fit",
  inputs: { points, scale },
  outputs: { model },
  run: ({ points, scale }) => ({
    model: { slope: (scale * points.reduce((s, p) => s + p.y / (p.x || 1), 0)) / points.length },
  }),
  resources: { cpu: 1, memory: "512Mi" },
  retries: 2,
});
const evaluate = node({
  name: "evaluate",
  inputs: { points, model },
  outputs: { score },
  run: ({ points, model }) => ({
    score: {
      mae: points.reduce((s, p) => s + Math.abs(p.y - model.slope * p.x), 0) / points.length,
    },
  }),
  tags: ["report"],
});

const catalog = {
  resolve: (id: string) =>
    ({
      points: { type: "csv", uri: "data/points.csv" },
      model: { type: "json", uri: "data/model.json" },
    })[id],
};
process.stdout.write(
  serializePlan(
    compile(pipeline([fit, evaluate]).namespace("demo", { inputs: ["points"] }), {
      name: "example",
      catalog,
      params: { demo: { fit: { scale: 1 } } },
    }),
  ),
);
