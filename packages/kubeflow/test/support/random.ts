import type { Plan } from "@pipewright/core";
import { randomPlan as plan, type RandomDagOptions } from "../../../../test/support/random-plan.ts";
import { ROOT, s3Catalog } from "./fixtures.ts";

export { random } from "../../../../test/support/random-plan.ts";

/** A random DAG pipeline, every dataset on S3 (see test/support/random-plan.ts). */
export const randomPlan = (o: RandomDagOptions): Plan =>
  plan(o, { catalog: s3Catalog, root: ROOT });
