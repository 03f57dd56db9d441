import type { Dataset } from "../authoring/dataset.ts";
import { mappingOf } from "../authoring/map-node.ts";
import type { Node } from "../authoring/node.ts";
import { isPartitioned } from "../authoring/partitioned.ts";
import type { Pipeline } from "../authoring/pipeline.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { Issue } from "../errors/errors.ts";
import { schemaInfo } from "./schemas.ts";

/**
 * The problems of map nodes and partitioned datasets, gathered: a map over anything but
 * exactly one collection (NESTED_MAP), over a value that is not a list (MAP_OVER_NON_LIST),
 * a map writing a dataset that is not partitioned (INVALID_MAP), and one dataset name
 * declared both partitioned and not (SCHEMA_MISMATCH).
 */
export function mapIssues(p: Pipeline, root: string): Issue[] {
  const issues: Issue[] = [];
  const where = (n: Node) => n.describe(root);
  for (const n of p.items) {
    const mapping = mappingOf(n);
    if (!mapping) continue;
    if (mapping.keys.length !== 1) {
      issues.push({
        code: ErrorCode.NESTED_MAP,
        message:
          mapping.keys.length === 0
            ? `map node ${where(n)} has nothing in \`over\`. Name the one collection it maps over: over: { item: dataset }.`
            : `map node ${where(n)} maps over ${mapping.keys.map((k) => `"${k}"`).join(" and ")} at once: a map over several collections is a nested map, which is not supported. Map over one and pass the others whole in \`inputs\`, or map twice in a row (a map node may read another's partitioned output).`,
        path: ["nodes", n.id, "over"],
        nodes: [n.id],
      });
      continue;
    }
    const h = n.inputs[mapping.over]!;
    if (!(h.type === "dataset" && isPartitioned(h))) {
      const json = schemaInfo(h.schema).json;
      if (json.type !== "array") {
        issues.push({
          code: ErrorCode.MAP_OVER_NON_LIST,
          message: `map node ${where(n)} maps over ${h.type} "${h.name}", whose schema is not a list (${describeSchema(json)}). Map over a partitioned dataset, or a dataset or param whose schema is z.array(...).`,
          path: ["nodes", n.id, "over", mapping.over],
          nodes: [n.id],
          ...(h.type === "dataset" && { datasets: [h.name] }),
        });
      }
    }
    for (const [key, out] of Object.entries(n.outputs)) {
      if (isPartitioned(out)) continue;
      issues.push({
        code: ErrorCode.INVALID_MAP,
        message: `map node ${where(n)} writes "${out.name}" (output "${key}"), which is not partitioned: each call writes one partition. Declare it with partitioned("${out.name}", schema), with the schema of one partition.`,
        path: ["nodes", n.id, "outputs", key],
        nodes: [n.id],
        datasets: [out.name],
      });
    }
  }
  // One name, one kind: a reader expecting a file must not get a folder of partitions.
  const first = p.index.datasets;
  const reported = new Set<string>();
  const check = (h: Dataset<unknown>, n: Node) => {
    const f = first.get(h.name);
    // The same handle as the first (the norm) is of its kind by definition.
    if (!f || f === h || isPartitioned(f) === isPartitioned(h) || reported.has(h.name)) return;
    reported.add(h.name);
    issues.push({
      code: ErrorCode.SCHEMA_MISMATCH,
      message: `"${h.name}" is declared both as a partitioned dataset and as a plain one (node ${where(n)}). Declare it once and share the handle.`,
      path: ["datasets", h.name],
      nodes: [n.id],
      datasets: [h.name],
    });
  };
  for (const n of p.items) {
    for (const [, h] of n.datasetInputs()) check(h, n);
    for (const h of Object.values(n.outputs)) check(h, n);
  }
  return issues;
}

function describeSchema(json: Record<string, unknown>): string {
  if (typeof json.type === "string") return `type ${json.type}`;
  return "not declared as an array";
}
