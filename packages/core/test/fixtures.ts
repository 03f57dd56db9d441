import { z } from "zod";
import { dataset, node, param, pipeline } from "../src/index.ts";

export const Rows = z.array(z.object({ id: z.number(), value: z.number() }));
export const raw = dataset("raw", Rows);
export const clean = dataset("clean", Rows);
export const features = dataset("features", Rows);
export const model = dataset("model", z.object({ weight: z.number() }));
export const score = dataset("score", z.object({ r2: z.number() }));
export const alpha = param("model.alpha", z.number().positive());

export const cleanNode = node({
  name: "clean",
  inputs: { raw },
  outputs: { clean },
  run: ({ raw }) => ({ clean: raw.filter((r) => r.value >= 0) }),
  tags: ["prep"],
});
export const featuresNode = node({
  name: "features",
  inputs: { clean },
  outputs: { features },
  run: ({ clean }) => ({ features: clean }),
  tags: ["prep"],
});
export const trainNode = node({
  name: "train",
  inputs: { features, alpha },
  outputs: { model },
  run: ({ features, alpha }) => ({ model: { weight: alpha * features.length } }),
  tags: ["ml"],
});
export const scoreNode = node({
  name: "score",
  inputs: { model, features },
  outputs: { score },
  run: ({ model }) => ({ score: { r2: model.weight } }),
  tags: ["ml", "report"],
});

/** raw -> clean -> features -> train -> score (score also reads features). */
export const linear = () => pipeline([scoreNode, trainNode, featuresNode, cleanNode]);
export const params = { model: { alpha: 0.5 } };
