import type { PlanNode } from "@pipewright/core";
import type { TaskEnv } from "./env.ts";
import { BATCH_PARAM, BATCHES_PARAM, RUN_ID_INPUT } from "./params.ts";
import {
  component,
  componentName,
  dagTask,
  type ExecutorSpec,
  executor,
  executorLabel,
  input,
  inputTypes,
  paramInputs,
} from "./spec.ts";
import type { KfpTask } from "./tasks.ts";

/**
 * Map nodes fan out as the KFP SDK compiles `dsl.ParallelFor(listing.output)`: a listing
 * task runs `run-node --fan-out N` (it lists the partitions, deletes outputs of partitions
 * that are gone, and writes the batches as a JSON list to its LIST output parameter), then
 * a ParallelFor task iterates over that list (`parameterIterator`), each iteration running
 * `run-node --batch <item>` for one batch. Tasks downstream wait for the ParallelFor task,
 * which KFP finishes when every iteration has.
 *
 * Batching bounds the iterations: on Kubeflow each one is a DAG and two pods (driver and
 * executor) in the one Argo Workflow that runs the pipeline, whose status Kubernetes keeps
 * in one object of about 1 MB; on Vertex AI every iteration is a task in the job. A batch
 * string is about 25 bytes, so the list (kept in ML Metadata) stays under 30 KB.
 */
export const DEFAULT_MAX_BATCHES = 100;
/** About three workflow nodes per iteration on Kubeflow: 1000 iterations are ~3000 nodes. */
export const MAX_BATCHES_LIMIT = 1000;

/** Whether a task of these nodes is one map node (only then it fans out; a fused group runs whole). */
export function fansOut(nodes: readonly PlanNode[]): boolean {
  return nodes.length === 1 && nodes[0]!.map !== undefined;
}

/** Ids named along with the task ids (names.ts), so the extra names never clash with a task's. */
export const listId = (id: string) => `${id}:list`;
export const loopId = (id: string) => `${id}:for-each`;

/** Where the KFP launcher expects an output parameter's value, as a file path placeholder. */
const outputFile = (name: string) => `{{$.outputs.parameters['${name}'].output_file}}`;

/** The fan-out of task `t`: its components, executors and root DAG tasks, by name. */
export interface FanOutParts {
  components: Record<string, unknown>;
  executors: Record<string, unknown>;
  tasks: Record<string, unknown>;
}

/**
 * The listing task, the ParallelFor task (named `t.name`, with its DAG component holding the
 * batch task) and their components and executors. Both run in `t`'s pod settings. Neither
 * uses KFP's cache: a cached listing would miss new partitions, and a cache key would be
 * shared by every batch; run-node's own cache works per partition.
 */
export function fanOutParts(
  t: KfpTask & { fanOut: { list: string; loop: string } },
  spec: ExecutorSpec,
  env: TaskEnv,
  options: { maxBatches: number; parallelism: number | undefined },
): FanOutParts {
  const list: KfpTask = { ...t, name: t.fanOut.list, display: `${t.display} (list partitions)` };
  const batch: KfpTask = { ...t, dependentTasks: [], cacheKey: undefined };
  const loop = `comp-${t.fanOut.loop}`;
  const listComponent = {
    ...component(list),
    outputDefinitions: { parameters: { [BATCHES_PARAM]: { parameterType: "LIST" } } },
  };
  const listArgs = ["--fan-out", String(options.maxBatches), "--out", outputFile(BATCHES_PARAM)];
  // The loop's DAG receives the params and the list, and KFP adds each item as BATCH_PARAM;
  // the batch task inside gets the run id from the driver, as every task does.
  const { [RUN_ID_INPUT]: _runId, ...loopInputs } = inputTypes(t, {
    [BATCHES_PARAM]: "LIST",
    [BATCH_PARAM]: "STRING",
  });
  return {
    components: {
      [componentName(list)]: listComponent,
      [loop]: {
        dag: {
          tasks: {
            [t.name]: dagTask(batch, { [BATCH_PARAM]: { componentInputParameter: BATCH_PARAM } }),
          },
        },
        inputDefinitions: { parameters: loopInputs },
      },
      [componentName(t)]: component(t, { [BATCH_PARAM]: "STRING" }),
    },
    executors: {
      [executorLabel(list)]: executor(list, spec, env, listArgs),
      [executorLabel(t)]: executor(batch, spec, env, ["--batch", input(BATCH_PARAM)]),
    },
    tasks: {
      [list.name]: dagTask({ ...list, cacheKey: undefined }),
      [t.name]: {
        taskInfo: { name: t.display },
        componentRef: { name: loop },
        dependentTasks: [list.name],
        inputs: {
          parameters: {
            ...paramInputs(t),
            [BATCHES_PARAM]: {
              taskOutputParameter: { producerTask: list.name, outputParameterKey: BATCHES_PARAM },
            },
          },
        },
        parameterIterator: { items: { inputParameter: BATCHES_PARAM }, itemInput: BATCH_PARAM },
        ...(options.parallelism !== undefined && {
          iteratorPolicy: { parallelismLimit: options.parallelism },
        }),
      },
    },
  };
}
