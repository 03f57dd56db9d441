import { schemaInfo } from "../compile/schemas.ts";
import { ErrorCode } from "../errors/codes.ts";
import { CompileError, type Issue } from "../errors/errors.ts";
import { didYouMean, nameProblem } from "../util/names.ts";
import type { Dataset } from "./dataset.ts";
import type { Node, NodeInputs, NodeOutputs } from "./node.ts";
import type { Param } from "./param.ts";
import type { DatasetRef, PipelineIndex } from "./pipeline.ts";

/**
 * Which names keep or change their name under a namespace: a list keeps names as they
 * are; a record renames `old -> new`, where new is a name or a dataset handle (whose
 * schema must match).
 */
export type NameMapping = readonly DatasetRef[] | Readonly<Record<string, DatasetRef>>;

export interface NamespaceOptions {
  /** Free inputs to keep or rename instead of prefixing. */
  inputs?: NameMapping;
  /** Outputs to keep or rename instead of prefixing. */
  outputs?: NameMapping;
  /** Params to keep or rename instead of prefixing. */
  params?: NameMapping;
}

interface Target {
  name: string;
  /** Set when the mapping named a handle, whose schema must match the original. */
  handle?: Dataset<unknown> | Param<unknown>;
}

function normalise(mapping: NameMapping | undefined): Map<string, Target> {
  const out = new Map<string, Target>();
  if (!mapping) return out;
  if (Array.isArray(mapping)) {
    for (const ref of mapping as readonly DatasetRef[]) {
      const name = typeof ref === "string" ? ref : ref.name;
      out.set(name, typeof ref === "string" ? { name } : { name, handle: ref });
    }
  } else {
    for (const [from, to] of Object.entries(mapping as Record<string, DatasetRef>)) {
      out.set(from, typeof to === "string" ? { name: to } : { name: to.name, handle: to });
    }
  }
  return out;
}

/**
 * Renames every dataset and param of `items` under namespace `ns` (Kedro semantics):
 * unlisted names get the `ns.` prefix, listed ones keep or change their name. With `ns`
 * null (Kedro's `pipeline(p, inputs=...)` without a namespace) only the listed names
 * change and the nodes keep theirs. Linear in the number of nodes; all mapping problems
 * are reported together.
 */
export function applyNamespace(
  items: readonly Node[],
  index: PipelineIndex,
  ns: string | null,
  options: NamespaceOptions,
): Node[] {
  const issues: Issue[] = [];
  const problem = ns === null ? undefined : nameProblem(ns);
  if (problem) {
    issues.push({
      code: ErrorCode.INVALID_NAME,
      message: `namespace "${ns}" ${problem}`,
      path: ["namespace"],
    });
  }
  const where = ns === null ? "pipeline()" : `namespace "${ns}"`;
  const inputs = normalise(options.inputs);
  const outputs = normalise(options.outputs);
  const params = normalise(options.params);

  const freeInputs = new Set<string>();
  for (const name of index.datasets.keys())
    if (!index.producers.has(name) && index.consumers.has(name)) freeInputs.add(name);

  const check = (
    map: Map<string, Target>,
    kind: "inputs" | "outputs" | "params",
    allowed: Set<string> | Map<string, unknown>,
  ) => {
    for (const [from, to] of map) {
      if (!allowed.has(from)) {
        const what = kind === "inputs" ? "free input" : kind === "outputs" ? "output" : "param";
        issues.push({
          code: kind === "params" ? ErrorCode.UNKNOWN_PARAM : ErrorCode.UNKNOWN_DATASET,
          message: `${where}: ${kind} names "${from}", which is not a ${what} of the pipeline.${didYouMean(from, allowed.keys())}`,
          path: ["namespace", ns ?? "", kind, from],
          datasets: [from],
        });
        continue;
      }
      const original = kind === "params" ? index.params.get(from) : index.datasets.get(from);
      if (
        to.handle &&
        original &&
        schemaInfo(to.handle.schema).hash !== schemaInfo(original.schema).hash
      ) {
        issues.push({
          code: ErrorCode.SCHEMA_MISMATCH,
          message: `${where}: "${from}" is remapped to "${to.name}", whose schema differs. Remap only onto a dataset with the same zod schema, or convert it in a node.`,
          path: ["namespace", ns ?? "", kind, from],
          datasets: [from, to.name],
        });
      }
      const bad = nameProblem(to.name);
      if (bad)
        issues.push({
          code: ErrorCode.INVALID_NAME,
          message: `${where}: new name "${to.name}" ${bad}`,
          path: ["namespace", ns ?? "", kind, from],
        });
    }
  };
  check(inputs, "inputs", freeInputs);
  check(outputs, "outputs", index.producers);
  check(params, "params", index.params);
  CompileError.throwIfAny(issues);

  // One renamed handle per original handle, so equal datasets stay the same object.
  const renamed = new Map<object, Dataset<unknown> | Param<unknown>>();
  const rename = <T extends Dataset<unknown> | Param<unknown>>(
    h: T,
    map: Map<string, Target>,
  ): T => {
    let r = renamed.get(h);
    if (!r) {
      const to = map.get(h.name);
      r =
        to?.handle ?? (to ? h.withName(to.name) : ns === null ? h : h.withName(`${ns}.${h.name}`));
      renamed.set(h, r);
    }
    return r as T;
  };

  return items.map((n) => {
    const newInputs: NodeInputs = {};
    for (const [key, h] of Object.entries(n.inputs)) {
      newInputs[key] =
        h.type === "dataset" ? rename(h, inputs.has(h.name) ? inputs : outputs) : rename(h, params);
    }
    const newOutputs: NodeOutputs = {};
    for (const [key, h] of Object.entries(n.outputs)) newOutputs[key] = rename(h, outputs);
    return n.with({
      namespace: ns === null ? n.namespace : n.namespace === null ? ns : `${ns}.${n.namespace}`,
      inputs: newInputs,
      outputs: newOutputs,
    });
  });
}
