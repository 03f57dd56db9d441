import type { Plan } from "@pipewright/core";
import { type ContainerSpec, containerTemplate, DISPLAY_NAME } from "./container.ts";
import type { Profile } from "./profiles.ts";

/**
 * Map nodes fan out across pods: a listing task runs `run-node --fan-out N` (it lists the
 * partitions, deletes outputs of partitions that are gone, and writes the batches as a
 * JSON list), then one pod per batch runs `run-node --batch I/N@listing`, driven by
 * `withParam`. Downstream tasks wait for every batch (Argo's `depends` on a fanned-out
 * task). Batching keeps the item list small: Argo keeps output parameters in the
 * workflow's status (etcd, ~1 MB per object), and every item is a pod.
 */
export const DEFAULT_MAX_BATCHES = 100;
/** Argo allows far more, but each batch is a pod and a node in the workflow's status. */
export const MAX_BATCHES_LIMIT = 5000;
const BATCHES_FILE = "/tmp/pipewright-batches.json";

/** Whether task `nodes` is one map node (only then it fans out; a fused group runs whole). */
export function fansOut(plan: Plan, nodes: readonly string[]): boolean {
  if (nodes.length !== 1) return false;
  return plan.nodes.find((n) => n.id === nodes[0])?.map !== undefined;
}

export const listTemplateName = (suffix: string) => `list-partitions${suffix}`;
export const batchTemplateName = (suffix: string) => `run-partitions${suffix}`;

/** The listing step's template: the one-node template, listing instead of running. */
export function listTemplate(
  profile: Profile,
  spec: ContainerSpec,
  maxBatches: number,
): Record<string, unknown> {
  const t = withoutMemoize(containerTemplate(1, profile, spec));
  const container = t.container as { args: string[] };
  return {
    ...t,
    name: listTemplateName(profile.suffix),
    container: {
      ...container,
      args: [...container.args, "--fan-out", String(maxBatches), "--out", BATCHES_FILE],
    },
    outputs: { parameters: [{ name: "batches", valueFrom: { path: BATCHES_FILE } }] },
  };
}

/** One batch's template: the one-node template with `--batch {{inputs.parameters.batch}}`. */
export function batchTemplate(profile: Profile, spec: ContainerSpec): Record<string, unknown> {
  const t = withoutMemoize(containerTemplate(1, profile, spec));
  const container = t.container as { args: string[] };
  const inputs = t.inputs as { parameters: Record<string, string>[] };
  const annotations = t.annotations as Record<string, string>;
  return {
    ...t,
    name: batchTemplateName(profile.suffix),
    // The Argo UI shows each pod as "clean_events 3/20@…".
    annotations: {
      ...annotations,
      [DISPLAY_NAME]: "{{inputs.parameters.node}} {{inputs.parameters.batch}}",
    },
    inputs: { parameters: [...inputs.parameters, { name: "batch" }] },
    container: {
      ...container,
      args: [...container.args, "--batch", "{{inputs.parameters.batch}}"],
    },
  };
}

/**
 * Argo's memoize keys a task, not an item: every batch would share one key. Batches rely
 * on run-node's own cache (per partition) instead.
 */
function withoutMemoize(t: Record<string, unknown>): Record<string, unknown> {
  const { memoize: _m, ...rest } = t;
  const inputs = rest.inputs as { parameters: { name: string }[] };
  return {
    ...rest,
    inputs: { parameters: inputs.parameters.filter((p) => p.name !== "memo-key") },
  };
}

/** The two DAG tasks of a fanned-out map node, from the task dag.ts would emit for it. */
export function fanOutTasks(
  task: Record<string, unknown> & { name: string; arguments: { parameters: { name: string }[] } },
  listName: string,
  suffix: string,
): Record<string, unknown>[] {
  const params = task.arguments.parameters.filter((p) => p.name !== "memo-key");
  const { depends, ...rest } = task;
  return [
    {
      name: listName,
      template: listTemplateName(suffix),
      ...(depends !== undefined && { depends }),
      arguments: { parameters: params.filter((p) => p.name === "node") },
    },
    {
      ...rest,
      template: batchTemplateName(suffix),
      depends: listName,
      arguments: { parameters: [...params, { name: "batch", value: "{{item}}" }] },
      withParam: `{{tasks.${listName}.outputs.parameters.batches}}`,
    },
  ];
}
