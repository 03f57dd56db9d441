import { join } from "node:path";
import type { Plan } from "@pipewright/core";
import { compileProject, loadProject } from "../../packages/cli/src/project.ts";

export const repoRoot = join(import.meta.dirname, "..", "..");

/**
 * The compiled plan of one of the examples (`examples/<example>`), the way
 * `pipewright compile` makes it: for adapter goldens and cross-package tests.
 *
 * @example
 * const plan = await examplePlan("spaceflights");
 */
export async function examplePlan(example: string, pipeline?: string): Promise<Plan> {
  const project = await loadProject(join(repoRoot, "examples", example));
  return (await compileProject(project, { pipeline })).plan;
}
