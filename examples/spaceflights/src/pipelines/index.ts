import { type Pipeline, pipeline } from "@pipewright/core";
import { dataProcessing } from "./data-processing.ts";
import { dataScience } from "./data-science.ts";

/** The whole project: data processing, then both models. */
export function all(): Pipeline {
  return pipeline([dataProcessing(), dataScience()]);
}
