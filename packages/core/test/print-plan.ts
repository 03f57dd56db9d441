// Prints the plan of the fixture pipeline: plan.test.ts compares it with an in-process compile.
import { compile, serializePlan } from "../src/index.ts";
import { built } from "./fixture-pipeline.ts";
import { params } from "./fixtures.ts";

const catalog = {
  resolve: (id: string) =>
    id === "model" || id === "raw" ? { type: "json", uri: `data/${id}.json` } : undefined,
};
process.stdout.write(serializePlan(compile(built, { params, catalog })));
