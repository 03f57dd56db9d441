import type { Pipeline } from "../authoring/pipeline.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { Issue } from "../errors/errors.ts";
import { valueHash } from "./value-hash.ts";

/** The value at a dotted name: a flat key "a.b" wins over the nested path a -> b. */
export function lookupParam(params: Record<string, unknown>, name: string): unknown {
  if (name in params) return params[name];
  let current: unknown = params;
  for (const part of name.split(".")) {
    if (current === null || typeof current !== "object" || !(part in current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export interface ResolvedParam {
  value: unknown;
  valueHash: string;
}

/** Validates every param the pipeline reads with its zod schema; problems go to `issues`. */
export function resolveParams(
  p: Pipeline,
  params: Record<string, unknown>,
  issues: Issue[],
): Map<string, ResolvedParam> {
  const resolved = new Map<string, ResolvedParam>();
  for (const [name, handle] of p.index.params) {
    const raw = lookupParam(params, name);
    const result = handle.schema.safeParse(raw);
    if (result.success) {
      resolved.set(name, {
        value: result.data,
        valueHash: valueHash(result.data),
      });
      continue;
    }
    const readers = p.items
      .filter((n) => Object.values(n.inputs).some((h) => h === handle || h.name === name))
      .map((n) => n.id);
    if (raw === undefined) {
      issues.push({
        code: ErrorCode.MISSING_PARAM,
        message: `param "${name}" (read by ${readers.map((r) => `"${r}"`).join(", ")}) has no value. Add it to conf/params.yaml (as ${name.split(".").join(" > ")}) or pass --params ${name}=...`,
        path: ["params", name],
        nodes: readers,
      });
    } else {
      const detail = result.error.issues
        .map((i) => `${[name, ...i.path.map(String)].join(".")}: ${i.message}`)
        .join("; ");
      issues.push({
        code: ErrorCode.INVALID_PARAM,
        message: `param "${name}" = ${JSON.stringify(raw)} is invalid: ${detail}. Fix it in conf/params.yaml or --params.`,
        path: ["params", name],
        nodes: readers,
      });
    }
  }
  return resolved;
}
