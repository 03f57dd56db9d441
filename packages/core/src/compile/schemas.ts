import { z } from "zod";
import { hashJson, sha256 } from "../util/canonical.ts";
import { keyedObject } from "../util/keyed-object.ts";

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
    const fast = plainSchema(schema);
    const json = fast?.json ?? referenceJsonSchema(schema);
    info = { json, hash: fast ? sha256(fast.canonical) : hashJson(json) };
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
const DRAFT_JSON = JSON.stringify(DRAFT);

/** A schema's JSON Schema, and the same as canonical JSON (keys sorted), for its hash. */
interface Plain {
  json: Record<string, unknown>;
  canonical: string;
}

/**
 * z.toJSONSchema's output, written directly, for the plain schemas most datasets have:
 * objects, arrays, strings, numbers and booleans without checks, and optional fields, with
 * no metadata anywhere; undefined for anything else, which goes to zod's exporter. zod's
 * exporter sets up a context and walks the schema twice; per distinct schema it costs
 * more than the rest of compile. A test checks both give the same JSON, key order
 * included, on random schemas.
 */
export function plainJsonSchema(schema: z.ZodType): Record<string, unknown> | undefined {
  return plainSchema(schema)?.json;
}

/**
 * plainJsonSchema, with its canonical JSON written at the same time: canonicalJson over
 * the finished object (a sort per object, a string per value) cost as much as writing it.
 */
function plainSchema(schema: z.ZodType): Plain | undefined {
  const body = plain(schema, new Set(), true);
  return (
    body && {
      json: body.json,
      // "$schema" sorts before every key plain() writes.
      canonical: `{"$schema":${DRAFT_JSON},${body.canonical.slice(1)}`,
    }
  );
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

/** The leaf types, by zod's name: their JSON Schema is `{ type }`. */
const LEAVES: Record<string, string> = {
  string: '{"type":"string"}',
  number: '{"type":"number"}',
  boolean: '{"type":"boolean"}',
};

/**
 * `open`: the schemas being written, outside in. A schema that contains itself (a getter in
 * a shape) is left to zod, which writes it with $defs and $ref. `top`: the outermost
 * schema, whose JSON starts with "$schema" (written first rather than spread in after:
 * a spread of objects of several shapes took V8's slow path, once per dataset). Its
 * canonical text leaves "$schema" to plainSchema.
 */
function plain(schema: z.ZodType, open: Set<z.ZodType>, top = false): Plain | undefined {
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
    z.globalRegistry.has(schema) ||
    open.has(schema)
  )
    return undefined;
  const leaf = LEAVES[def.type];
  if (leaf !== undefined)
    return { json: top ? { $schema: DRAFT, type: def.type } : { type: def.type }, canonical: leaf };
  open.add(schema);
  try {
    if (def.type === "optional") return plain(def.innerType!, open, top);
    if (def.type === "array") {
      const items = plain(def.element!, open);
      return (
        items && {
          json: top
            ? { $schema: DRAFT, type: "array", items: items.json }
            : { type: "array", items: items.json },
          canonical: `{"items":${items.canonical},"type":"array"}`,
        }
      );
    }
    return def.type === "object" ? plainObject(def, open, top) : undefined;
  } finally {
    open.delete(schema);
  }
}

function plainObject(def: Internals["def"], open: Set<z.ZodType>, top: boolean): Plain | undefined {
  const shape = shapeOf(def);
  if (Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  if (def.catchall !== undefined && def.catchall._zod.def.type !== "never") return undefined;
  // Field names differ from schema to schema: see keyedObject.
  const properties = keyedObject<unknown>();
  const keys: string[] = [];
  const texts: string[] = [];
  const required: string[] = [];
  for (const key in shape) {
    // A "__proto__" key needs zod's own care.
    if (key === "__proto__") return undefined;
    const field = shape[key]!;
    const body = plain(field, open);
    if (body === undefined) return undefined;
    properties[key] = body.json;
    keys.push(key);
    texts.push(body.canonical);
    if ((field as unknown as { _zod: Internals })._zod.optout === undefined) required.push(key);
  }
  // canonicalJson's order: keys sorted by UTF-16 code units; arrays (required) as they are.
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  let props = "";
  for (const i of order) props += `${props ? "," : ""}${JSON.stringify(keys[i])}:${texts[i]}`;
  const requiredJson = required.length > 0 ? `"required":${JSON.stringify(required)},` : "";
  // Assigned in zod's key order.
  const json: Record<string, unknown> = top
    ? { $schema: DRAFT, type: "object", properties }
    : { type: "object", properties };
  if (required.length > 0) json.required = required;
  json.additionalProperties = false;
  return {
    json,
    canonical: `{"additionalProperties":false,"properties":{${props}},${requiredJson}"type":"object"}`,
  };
}

/**
 * An object schema's shape. zod copies the shape on its first read (to resolve getters once);
 * compile reads each shape once, so it takes the one zod copies from (the accessor's `raw`)
 * and leaves the copy to the first parse.
 */
function shapeOf(def: Internals["def"]): Record<string, z.ZodType> {
  const accessor = Object.getOwnPropertyDescriptor(def, "shape")?.get as
    | { raw?: Record<string, z.ZodType> }
    | undefined;
  return accessor?.raw ?? def.shape!;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
