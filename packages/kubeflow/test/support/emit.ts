import type { Plan } from "@pipewright/core";
import { expect } from "vitest";
import { compileKubeflow, type KubeflowOptions } from "../../src/index.ts";
import { IMAGE } from "./fixtures.ts";
import { type Doc, launch, parse, structureProblems, taskInputs } from "./kfp.ts";

/** Compiles `plan`, checks the structure, and gives handy views of the result. */
export function emit(plan: Plan, options: Partial<KubeflowOptions> = {}) {
  const text = compileKubeflow(plan, { image: IMAGE, ...options });
  expect(structureProblems(text, plan)).toEqual([]);
  const { spec, platform } = parse(text);
  const tasks: Record<string, Doc> = spec.root.dag.tasks;
  const executorOf = (task: string): Doc =>
    spec.deploymentSpec.executors[spec.components[tasks[task]!.componentRef.name].executorLabel];
  return {
    text,
    spec,
    platform,
    tasks,
    executorOf,
    /** The argv run-node receives in the task's pod, on a run with the default parameters. */
    argv: (task: string) => launch(executorOf(task), taskInputs(spec, task)),
    /** The task's KubernetesExecutorConfig in the platform spec. */
    k8s: (task: string): Doc | undefined =>
      platform?.platforms.kubernetes.deploymentSpec.executors[
        spec.components[tasks[task]!.componentRef.name].executorLabel
      ],
  };
}
