import { z } from "zod";
import { hashJson } from "../util/canonical.ts";

export interface SchemaInfo {
  /** JSON Schema (draft 2020-12) of the zod type, as zod v4 exports it. */
  json: Record<string, unknown>;
  /** sha256 of its canonical JSON: two datasets match when their hashes do. */
  hash: string;
}

// Pipelines share schema objects across many datasets; exporting each once keeps
// compiling 100k nodes cheap.
const cache = new WeakMap<z.ZodType, SchemaInfo>();

/** The JSON Schema and schema hash of a zod type, memoised per schema object. */
export function schemaInfo(schema: z.ZodType): SchemaInfo {
  let info = cache.get(schema);
  if (!info) {
    const json = plainJsonSchema(schema) ?? referenceJsonSchema(schema);
    info = { json, hash: hashJson(json) };
    cache.set(schema, info);
  }
  return info;
}

/** The JSON Schema as zod's own exporter writes it: the reference for plainJsonSchema. */
export function referenceJsonSchema(schema: z.ZodType): Record<string, unknown> {
  // "any" keeps types JSON Schema cannot express (dates, transforms) from failing the
  // export; they still validate at run time through zod itself.
  return z.toJSONSchema(schema, { unrepresentable: "any", io: "output" }) as Record<
    string,
    unknown
  >;
}

const DRAFT = "https://json-schema.org/draft/2020-12/schema";

/**
 * z.toJSONSchema's output, written directly, for the plain schemas most datasets have:
 * objects, arrays, strings, numbers and booleans without checks, and optional fields, with
 * no metadata anywhere; undefined for anything else, which goes to zod's exporter. zod's
 * exporter sets up a context and walks the schema twice; per distinct schema it costs
 * more than the rest of compile. A test checks both give the same JSON, key order
 * included, on random schemas.
 */
export function plainJsonSchema(schema: z.ZodType): Record<string, unknown> | undefined {
  const body = plain(schema);
  return body && { $schema: DRAFT, ...body };
}

interface Internals {
  def: {
    type: string;
    checks?: unknown[];
    shape?: Record<string, z.ZodType>;
    catchall?: z.ZodType;
    element?: z.ZodType;
    innerType?: z.ZodType;
  };
  bag: Record<string, unknown>;
  traits: Set<string>;
  parent?: unknown;
  toJSONSchema?: unknown;
  optout?: string;
}

function plain(schema: z.ZodType): Record<string, unknown> | undefined {
  const zod = (schema as unknown as { _zod: Internals })._zod;
  const def = zod.def;
  // Anything that changes the export: checks and formats, a parent (metadata), a custom
  // export, registered metadata (descriptions, ids).
  if (
    (def.checks !== undefined && def.checks.length > 0) ||
    zod.parent !== undefined ||
    zod.toJSONSchema !== undefined ||
    zod.traits.has("$ZodCheck") ||
    hasKeys(zod.bag) ||
    z.globalRegistry.has(schema)
  )
    return undefined;
  switch (def.type) {
    case "string":
    case "number":
    case "boolean":
      return { type: def.type };
    case "optional":
      return plain(def.innerType!);
    case "array": {
      const items = plain(def.element!);
      return items && { type: "array", items };
    }
    case "object": {
      const shape = def.shape!;
      if (Object.getOwnPropertySymbols(shape).length > 0) return undefined;
      if (def.catchall !== undefined && def.catchall._zod.def.type !== "never") return undefined;
      const properties: Record<string, unknown> = {};
      const required: string[] = [];
      for (const key in shape) {
        // A "__proto__" key needs zod's own care.
        if (key === "__proto__") return undefined;
        const field = shape[key]!;
        const json = plain(field);
        if (json === undefined) return undefined;
        properties[key] = json;
        if ((field as unknown as { _zod: Internals })._zod.optout === undefined) required.push(key);
      }
      return {
        type: "object",
        properties,
        ...(required.length > 0 && { required }),
        additionalProperties: false,
      };
    }
    default:
      return undefined;
  }
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
