import type { z } from "zod";
import { DataError, type DataLocation, ErrorCode } from "../errors.ts";
import { preview, rowAndField } from "../formats/data-path.ts";

/** How many problems a validation message lists before "and N more". */
const SHOWN = 5;

/**
 * The value parsed by the dataset's schema, or a DATA_VALIDATION DataError naming the
 * first failing row and field (with its line when `rowLines` maps rows to lines), and
 * listing a few more.
 */
export function validate(
  schema: z.ZodType,
  value: unknown,
  where: DataLocation,
  direction: "load" | "save",
  rowLines?: number[],
): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues;
  const describe = (i: (typeof issues)[number]) => {
    const path = i.path.filter((k): k is string | number => typeof k !== "symbol");
    const at = rowAndField(path);
    const found = i.code === "invalid_type" ? ` (found ${preview(valueAt(value, path))})` : "";
    return { at, text: `${i.message}${found}` };
  };
  const first = describe(issues[0]!);
  const line = first.at.row !== undefined ? rowLines?.[first.at.row] : undefined;
  const more = issues.slice(1, SHOWN).map((i) => {
    const d = describe(i);
    const loc = [
      d.at.row !== undefined ? `row ${d.at.row}` : "",
      d.at.field !== undefined ? `field "${d.at.field}"` : "",
    ]
      .filter(Boolean)
      .join(", ");
    return `\n  - ${loc || "value"}: ${d.text}`;
  });
  const rest = issues.length > SHOWN ? `\n  ... and ${issues.length - SHOWN} more` : "";
  const fix =
    direction === "load"
      ? "Fix the data, or change the dataset's schema to match it."
      : "The node returned data that does not match the dataset's schema; fix the node or the schema.";
  return fail(
    new DataError(
      ErrorCode.DATA_VALIDATION,
      { ...where, ...first.at, ...(line !== undefined && { line }) },
      `${first.text}.${more.length > 0 ? `\nOther problems:${more.join("")}${rest}` : ""}\n${fix}`,
      { cause: r.error },
    ),
  );
}

function fail(e: Error): never {
  throw e;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}
