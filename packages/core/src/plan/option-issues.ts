import type { z } from "zod";
import { ErrorCode } from "../errors/codes.ts";
import type { Issue } from "../errors/errors.ts";

/**
 * Every problem `schema` finds in a target's option `value`, each as ADAPTER_OPTION with
 * its path under `prefix` (e.g. ["argo", "pod"]), so all of a target's options are
 * reported together rather than the first one thrown.
 */
export function optionIssues(
  schema: z.ZodType,
  value: unknown,
  prefix: readonly string[],
): Issue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => {
    const path = [...prefix, ...i.path.map(String)];
    return {
      code: ErrorCode.ADAPTER_OPTION,
      message: `option ${path.join(".")}: ${i.message}.`,
      path,
    };
  });
}
