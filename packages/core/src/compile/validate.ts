import type { Dataset } from "../authoring/dataset.ts";
import type { Node } from "../authoring/node.ts";
import type { Param } from "../authoring/param.ts";
import { cycleIssue, type Pipeline } from "../authoring/pipeline.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { Issue } from "../errors/errors.ts";
import { QUANTITY_HINT } from "../plan/option-checks.ts";
import { parseQuantity } from "../plan/quantity.ts";
import type { StorageBinding } from "../plan/schema.ts";
import { nameProblem } from "../util/names.ts";
import { schemaInfo } from "./schemas.ts";

/** Looks up where a dataset lives; `@pipewright/io`'s Catalog implements it. */
export interface CatalogResolver {
  /** The storage binding of a dataset, or undefined when the catalog does not list it. */
  resolve(datasetId: string): StorageBinding | undefined;
}

const describe = (n: Node, root: string) => n.describe(root);

/**
 * Every structural problem of a pipeline, gathered rather than thrown one by one:
 * names, duplicate nodes and producers, empty outputs, a node reading its own output,
 * schema mismatches, cycles, and (with a catalog) free inputs nobody provides.
 */
export function structuralIssues(
  p: Pipeline,
  root: string,
  catalog: CatalogResolver | undefined,
  /** The pipeline `p` was filtered from, to explain a producer the filter left out. */
  whole?: Pipeline,
): Issue[] {
  const issues: Issue[] = [];
  const { byId, producers, consumers, datasets } = p.index;
  const badNames = new Set<string>();
  const goodNames = new Set<string>();
  /** Checks a name; `where` (the issue's path after the node) is only built for a bad one. */
  const nameIssue = (kind: string, name: string, n: Node, ...where: string[]) => {
    // Datasets appear in many nodes: check each distinct name once.
    if (goodNames.has(name)) return;
    const problem = nameProblem(name);
    if (!problem) {
      goodNames.add(name);
      return;
    }
    if (badNames.has(`${kind}:${name}`)) return;
    badNames.add(`${kind}:${name}`);
    issues.push({
      code: ErrorCode.INVALID_NAME,
      message: `${kind} name ${JSON.stringify(name)} ${problem} (node ${describe(n, root)}).`,
      path: ["nodes", n.id, ...where],
      nodes: [n.id],
    });
  };

  const schemaIssues = new Set<string>();
  /** Two handles of one name must share a schema; compared by object first, as that is the norm. */
  const schemaIssue = (h: Dataset<unknown> | Param<unknown>, n: Node) => {
    const first = h.type === "dataset" ? datasets.get(h.name) : p.index.params.get(h.name);
    if (!first || first === h || first.schema === h.schema || schemaIssues.has(h.name)) return;
    if (schemaInfo(first.schema).hash === schemaInfo(h.schema).hash) return;
    schemaIssues.add(h.name);
    const users = [
      ...new Set(
        [...(producers.get(h.name) ?? []), ...(consumers.get(h.name) ?? [])].map((u) => u.id),
      ),
    ];
    issues.push({
      code: ErrorCode.SCHEMA_MISMATCH,
      message: `"${h.name}" is declared with two different schemas (used by ${users.map((u) => `"${u}"`).join(", ")}, declared at ${describe(n, root)}). Declare the dataset once and share the handle.`,
      path: ["datasets", h.name],
      nodes: users,
      datasets: [h.name],
    });
  };

  for (const n of p.items) {
    nameIssue("node", n.name, n, "name");
    const outputs = Object.entries(n.outputs);
    if (outputs.length === 0) {
      issues.push({
        code: ErrorCode.NO_OUTPUTS,
        message: `node ${describe(n, root)} has no outputs. A node must write at least one dataset; return a metrics dataset if it only reports numbers.`,
        path: ["nodes", n.id, "outputs"],
        nodes: [n.id],
      });
    }
    settingIssues(n, root, issues);
    const inputs = n.datasetInputs();
    for (const [key, h] of inputs) {
      nameIssue("dataset", h.name, n, "inputs", key);
      schemaIssue(h, n);
    }
    for (const [key, h] of n.paramInputs()) {
      nameIssue("param", h.name, n, "inputs", key);
      schemaIssue(h, n);
    }
    for (const [key, h] of outputs) {
      nameIssue("dataset", h.name, n, "outputs", key);
      schemaIssue(h, n);
      if (inputs.some(([, d]) => d.name === h.name)) {
        issues.push({
          code: ErrorCode.INPUT_IS_OUTPUT,
          message: `node ${describe(n, root)} reads and writes dataset "${h.name}". Write the result to a new dataset.`,
          path: ["nodes", n.id, "outputs", key],
          nodes: [n.id],
          datasets: [h.name],
        });
      }
    }
  }
  for (const [id, nodes] of byId) {
    if (nodes.length > 1) {
      issues.push({
        code: ErrorCode.DUPLICATE_NODE,
        message: `${nodes.length} nodes are named "${id}": ${nodes.map((n) => describe(n, root)).join(", ")}. Rename one, or namespace one of the pipelines.`,
        path: ["nodes", id],
        nodes: [id],
      });
    }
  }
  for (const [ds, nodes] of producers) {
    if (nodes.length > 1) {
      const distinct = [...new Set(nodes.map((n) => n.id))];
      issues.push({
        code: ErrorCode.DUPLICATE_OUTPUT,
        message: `dataset "${ds}" is written by ${nodes.length} nodes: ${nodes.map((n) => describe(n, root)).join(", ")}. Each dataset has one producer; write to separate datasets and combine them in a node.`,
        path: ["datasets", ds],
        nodes: distinct,
        datasets: [ds],
      });
    }
  }
  const { blocked } = p.sortIds();
  if (blocked.length > 0) issues.push(cycleIssue(p, blocked));
  if (catalog) {
    for (const [name] of datasets) {
      if (producers.has(name) || catalog.resolve(name)) continue;
      const readers = (consumers.get(name) ?? []).map((n) => n.id);
      const left = whole?.index.producers.get(name)?.[0]?.id;
      const who = readers.map((r) => `"${r}"`).join(", ");
      issues.push({
        code: ErrorCode.MISSING_INPUT,
        message:
          left === undefined
            ? `dataset "${name}" is read by ${who} but no node produces it and the catalog has no entry for it. Add "${name}" to conf/catalog.yaml, or add the node that produces it.`
            : `dataset "${name}" is read by ${who}; its producer "${left}" is not among the selected nodes, and "${name}" has no catalog entry to read it from. Select "${left}" too (e.g. --to-nodes ${readers[0]}), or give "${name}" a catalog entry so it persists between runs.`,
        path: ["datasets", name],
        nodes: readers,
        datasets: [name],
      });
    }
  }
  return issues;
}

/**
 * Resources, retries and timeout as engines need them: a bad quantity would otherwise
 * only fail when a pod is created, in the middle of a run.
 */
function settingIssues(n: Node, root: string, issues: Issue[]): void {
  // Most nodes set none of these: nothing to check, nothing allocated.
  const { cpu, memory, gpu } = n.resources;
  if (
    cpu === undefined &&
    memory === undefined &&
    gpu === undefined &&
    n.retries === 0 &&
    n.timeout === null
  )
    return;
  const problems: [string, string][] = [];
  for (const key of ["cpu", "memory"] as const) {
    const v = n.resources[key];
    if (v !== undefined && parseQuantity(v) === undefined) {
      problems.push([`resources.${key}`, `${JSON.stringify(v)} ${QUANTITY_HINT}`]);
    }
  }
  if (gpu !== undefined && !(Number.isInteger(gpu) && gpu >= 0))
    problems.push(["resources.gpu", `${gpu} must be a whole number ≥ 0`]);
  if (!(Number.isInteger(n.retries) && n.retries >= 0))
    problems.push(["retries", `${n.retries} must be a whole number ≥ 0`]);
  if (n.timeout !== null && !(Number.isFinite(n.timeout) && n.timeout > 0))
    problems.push(["timeout", `${n.timeout} must be a number of seconds > 0`]);
  for (const [field, problem] of problems)
    issues.push({
      code: ErrorCode.INVALID_OPTION,
      message: `node ${n.describe(root)}: ${field} ${problem}.`,
      path: ["nodes", n.id, ...field.split(".")],
      nodes: [n.id],
    });
}
