import { Dataset } from "../authoring/dataset.ts";
import type { Node } from "../authoring/node.ts";
import { cycleIssue, type Pipeline } from "../authoring/pipeline.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { Issue } from "../errors/errors.ts";
import type { StorageBinding } from "../plan/schema.ts";
import { nameProblem } from "../util/names.ts";
import { schemaInfo } from "./schemas.ts";

/** Looks up where a dataset lives; `@pipewright/io`'s Catalog implements it. */
export interface CatalogResolver {
  /** The storage binding of a dataset, or undefined when the catalog does not list it. */
  resolve(datasetId: string): StorageBinding | undefined;
}

const where = (n: Node, root: string) => n.describe(root);

/**
 * Every structural problem of a pipeline, gathered rather than thrown one by one:
 * names, duplicate nodes and producers, empty outputs, a node reading its own output,
 * schema mismatches, cycles, and (with a catalog) free inputs nobody provides.
 */
export function structuralIssues(
  p: Pipeline,
  root: string,
  catalog: CatalogResolver | undefined,
): Issue[] {
  const issues: Issue[] = [];
  const { byId, producers, consumers, datasets } = p.index;
  const badNames = new Set<string>();
  const goodNames = new Set<string>();
  const nameIssue = (kind: string, name: string, path: string[], n?: Node) => {
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
      message: `${kind} name ${JSON.stringify(name)} ${problem}${n ? ` (node ${where(n, root)})` : ""}.`,
      path,
      ...(n && { nodes: [n.id] }),
    });
  };

  const schemaIssues = new Set<string>();
  for (const n of p.items) {
    nameIssue("node", n.name, ["nodes", n.id, "name"], n);
    if (Object.keys(n.outputs).length === 0) {
      issues.push({
        code: ErrorCode.NO_OUTPUTS,
        message: `node ${where(n, root)} has no outputs. A node must write at least one dataset; return a metrics dataset if it only reports numbers.`,
        path: ["nodes", n.id, "outputs"],
        nodes: [n.id],
      });
    }
    const read = new Set<string>();
    for (const [key, h] of Object.entries(n.inputs)) {
      nameIssue(
        h instanceof Dataset ? "dataset" : "param",
        h.name,
        ["nodes", n.id, "inputs", key],
        n,
      );
      if (h instanceof Dataset) read.add(h.name);
    }
    for (const [key, h] of Object.entries(n.outputs)) {
      nameIssue("dataset", h.name, ["nodes", n.id, "outputs", key], n);
      if (read.has(h.name)) {
        issues.push({
          code: ErrorCode.INPUT_IS_OUTPUT,
          message: `node ${where(n, root)} reads and writes dataset "${h.name}". Write the result to a new dataset.`,
          path: ["nodes", n.id, "outputs", key],
          nodes: [n.id],
          datasets: [h.name],
        });
      }
    }
    for (const h of [...Object.values(n.inputs), ...Object.values(n.outputs)]) {
      const first = h instanceof Dataset ? datasets.get(h.name) : p.index.params.get(h.name);
      if (!first || first === h || first.schema === h.schema || schemaIssues.has(h.name)) continue;
      if (schemaInfo(first.schema).hash !== schemaInfo(h.schema).hash) {
        schemaIssues.add(h.name);
        const users = [...(producers.get(h.name) ?? []), ...(consumers.get(h.name) ?? [])].map(
          (u) => u.id,
        );
        issues.push({
          code: ErrorCode.SCHEMA_MISMATCH,
          message: `"${h.name}" is declared with two different schemas (used by ${[...new Set(users)].map((u) => `"${u}"`).join(", ")}, declared at ${where(n, root)}). Declare the dataset once and share the handle.`,
          path: ["datasets", h.name],
          nodes: [...new Set(users)],
          datasets: [h.name],
        });
      }
    }
  }
  for (const [id, nodes] of byId) {
    if (nodes.length > 1) {
      issues.push({
        code: ErrorCode.DUPLICATE_NODE,
        message: `${nodes.length} nodes are named "${id}": ${nodes.map((n) => where(n, root)).join(", ")}. Rename one, or namespace one of the pipelines.`,
        path: ["nodes", id],
        nodes: [id],
      });
    }
  }
  for (const [ds, nodes] of producers) {
    const distinct = [...new Set(nodes.map((n) => n.id))];
    if (nodes.length > 1) {
      issues.push({
        code: ErrorCode.DUPLICATE_OUTPUT,
        message: `dataset "${ds}" is written by ${nodes.length} nodes: ${nodes.map((n) => where(n, root)).join(", ")}. Each dataset has one producer; write to separate datasets and combine them in a node.`,
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
      issues.push({
        code: ErrorCode.MISSING_INPUT,
        message: `dataset "${name}" is read by ${readers.map((r) => `"${r}"`).join(", ")} but no node produces it and the catalog has no entry for it. Add "${name}" to conf/catalog.yaml, or add the node that produces it.`,
        path: ["datasets", name],
        nodes: readers,
        datasets: [name],
      });
    }
  }
  return issues;
}
