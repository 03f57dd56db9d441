import type { z } from "zod";

/** What a column can hold, read from the zod schema of a row. */
export type Kind = "string" | "number" | "int" | "int32" | "boolean" | "date" | "bigint" | "json";

export interface FieldShape {
  name: string;
  /** Alternatives in declaration order (a union gives several). */
  kinds: Kind[];
  /** Accepts null. */
  nullable: boolean;
  /** May be absent (optional, or has a default). */
  optional: boolean;
}

interface Def {
  type: string;
  [key: string]: unknown;
}
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

/**
 * The fields of a table schema, `z.array(z.object({...}))`, in declaration order; undefined
 * for any other schema (csv and parquet then store values without typed columns).
 */
export function rowShape(schema: z.ZodType): FieldShape[] | undefined {
  const outer = unwrap(schema, { nullable: false, optional: false }).schema;
  const def = defOf(outer);
  if (def.type !== "array") return undefined;
  const element = unwrap(def.element, { nullable: false, optional: false }).schema;
  const edef = defOf(element);
  if (edef.type !== "object") return undefined;
  return Object.entries(edef.shape as Record<string, unknown>).map(([name, field]) =>
    fieldShape(name, field),
  );
}

function fieldShape(name: string, schema: unknown): FieldShape {
  const shape: FieldShape = { name, kinds: [], nullable: false, optional: false };
  collect(schema, shape, 0);
  return shape;
}

function collect(schema: unknown, shape: FieldShape, depth: number): void {
  const u = unwrap(schema, shape);
  const def = defOf(u.schema);
  const add = (k: Kind) => {
    if (!shape.kinds.includes(k)) shape.kinds.push(k);
  };
  const kind = scalarKind(def, shape);
  if (kind) add(kind);
  else if (def.type === "union" && depth < 8) {
    // Deep unions of unions are rare; the depth guard only stops pathological recursion.
    for (const o of def.options as unknown[]) collect(o, shape, depth + 1);
  }
}

/** The kind of a non-union type (undefined for null/undefined/literals/unions, which set flags or recurse). */
function scalarKind(def: Def, shape: FieldShape): Kind | undefined {
  switch (def.type) {
    case "string":
    case "template_literal":
      return "string";
    case "number": {
      const format = def.format as string | undefined;
      return format === "int32" || format === "uint32"
        ? "int32"
        : format === "safeint"
          ? "int"
          : "number";
    }
    case "boolean":
    case "date":
    case "bigint":
      return def.type;
    case "null":
      shape.nullable = true;
      return undefined;
    case "undefined":
    case "void":
      shape.optional = true;
      return undefined;
    case "literal":
    case "enum": {
      const values =
        def.type === "literal"
          ? (def.values as unknown[])
          : Object.values(def.entries as Record<string, unknown>);
      for (const v of values) {
        if (v === null) shape.nullable = true;
        else if (v === undefined) shape.optional = true;
        else {
          const k: Kind =
            typeof v === "number"
              ? "number"
              : typeof v === "boolean"
                ? "boolean"
                : typeof v === "bigint"
                  ? "bigint"
                  : "string";
          if (!shape.kinds.includes(k)) shape.kinds.push(k);
        }
      }
      return undefined;
    }
    case "union":
      return undefined;
    default:
      return "json";
  }
}

/** Strips wrappers that do not change what a cell holds, noting optional and nullable. */
function unwrap(
  schema: unknown,
  flags: { nullable: boolean; optional: boolean },
): { schema: unknown } {
  let s = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(s);
    if (def.type === "optional") flags.optional = true;
    else if (def.type === "nullable") flags.nullable = true;
    else if (def.type === "default" || def.type === "prefault") flags.optional = true;
    if (["optional", "nullable", "default", "prefault", "catch", "readonly"].includes(def.type)) {
      s = def.innerType;
    } else if (def.type === "pipe") {
      // A transform's input is what is stored.
      s = def.in;
    } else if (def.type === "lazy") {
      s = (def.getter as () => unknown)();
    } else break;
  }
  return { schema: s };
}
