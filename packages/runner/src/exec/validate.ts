import { ErrorCode, PipewrightError, type PlanNode } from "@pipewright/core";
import type { z } from "zod";

const where = (node: PlanNode) => `node "${node.id}"${node.location ? ` (${node.location})` : ""}`;

/**
 * Checks what a node returned against its declared outputs: exactly the output keys
 * (OUTPUT_KEYS otherwise), and each value valid for its dataset's schema
 * (DATA_VALIDATION, naming node, dataset and the failing path) when `check(dataset)`
 * says so — stored datasets are validated by the DataStore as it encodes them. Returns
 * dataset id -> value (validated ones as zod parsed them).
 */
export function validateOutputs(
  node: PlanNode,
  returned: unknown,
  schemaOf: (dataset: string) => z.ZodType,
  check: (dataset: string) => boolean,
): Map<string, unknown> {
  const declared = Object.keys(node.outputs);
  if (returned === null || typeof returned !== "object" || Array.isArray(returned)) {
    throw new PipewrightError(
      ErrorCode.OUTPUT_KEYS,
      `${where(node)} returned ${returned === null ? "null" : Array.isArray(returned) ? "an array" : typeof returned}; ` +
        `it must return an object with the keys ${declared.map((k) => `"${k}"`).join(", ")}.`,
    );
  }
  const record = returned as Record<string, unknown>;
  const missing = declared.filter((k) => !(k in record));
  const extra = Object.keys(record).filter((k) => !(k in node.outputs));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`missing ${missing.map((k) => `"${k}"`).join(", ")}`);
    if (extra.length > 0) parts.push(`extra ${extra.map((k) => `"${k}"`).join(", ")}`);
    throw new PipewrightError(
      ErrorCode.OUTPUT_KEYS,
      `${where(node)} returned the wrong keys: ${parts.join("; ")}. ` +
        `Return exactly { ${declared.join(", ")} } (its declared outputs).`,
    );
  }
  const values = new Map<string, unknown>();
  for (const key of declared) {
    const dataset = node.outputs[key]!;
    if (!check(dataset)) {
      values.set(dataset, record[key]);
      continue;
    }
    const result = schemaOf(dataset).safeParse(record[key]);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(the value itself)";
      const more =
        result.error.issues.length > 1
          ? ` (and ${result.error.issues.length - 1} more problems)`
          : "";
      throw new PipewrightError(
        ErrorCode.DATA_VALIDATION,
        `${where(node)} returned an invalid value for output "${key}" (dataset "${dataset}") at ${path}: ${issue.message}${more}. ` +
          `Fix the node, or the dataset's schema.`,
      );
    }
    values.set(dataset, result.data);
  }
  return values;
}
