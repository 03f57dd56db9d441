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
 * objects, arrays, strings, numbers and booleans, optional and nullable fields, string
 * enums, and the two checks most columns carry, `.int()` and `.regex()` (each alone), with
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
  def: CheckDef & {
    type: string;
    checks?: { _zod: { def: CheckDef } }[];
    shape?: Record<string, z.ZodType>;
    catchall?: z.ZodType;
    element?: z.ZodType;
    innerType?: z.ZodType;
    entries?: Record<string, unknown>;
  };
  bag: Record<string, unknown>;
  traits: Set<string>;
  parent?: { _zod: Internals };
  toJSONSchema?: unknown;
  optout?: string;
}

/** What a check's definition says (a check's own, or z.int()'s, which is its own check). */
interface CheckDef {
  check?: string;
  format?: string;
  pattern?: RegExp;
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
  // Anything that changes the export: a custom export, registered metadata (descriptions,
  // ids), a schema inside itself; checks and formats, and a parent (a schema a check or
  // metadata was added to), but for the checks `checked` writes.
  if (
    zod.toJSONSchema !== undefined ||
    hasKeys(zod.bag) ||
    z.globalRegistry.has(schema) ||
    open.has(schema)
  )
    return undefined;
  if (zod.parent !== undefined || (def.checks?.length ?? 0) > 0 || zod.traits.has("$ZodCheck"))
    return checked(zod, top);
  const leaf = LEAVES[def.type];
  if (leaf !== undefined)
    return { json: top ? { $schema: DRAFT, type: def.type } : { type: def.type }, canonical: leaf };
  if (def.type === "enum") return stringEnum(def.entries!, top);
  open.add(schema);
  try {
    if (def.type === "optional") return plain(def.innerType!, open, top);
    if (def.type === "nullable") return nullable(def.innerType!, open, top);
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

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * `.int()` on a number (or z.int(), which is its own check), or one `.regex()` on a string,
 * added to a bare number or string: zod writes the check's bounds or pattern (the
 * pattern's source: zod leaves its flags out). Undefined for any other check, or more.
 */
function checked(zod: Internals, top: boolean): Plain | undefined {
  const def = zod.def;
  let check: CheckDef;
  if (zod.parent === undefined) {
    if (!zod.traits.has("$ZodCheck") || (def.checks?.length ?? 0) > 0) return undefined;
    check = def;
  } else {
    if (def.checks?.length !== 1 || !bare(zod.parent as unknown as z.ZodType, def.type))
      return undefined;
    check = def.checks[0]!._zod.def;
  }
  if (def.type === "number" && check.check === "number_format" && check.format === "safeint")
    return {
      json: top
        ? { $schema: DRAFT, type: "integer", minimum: -MAX_SAFE, maximum: MAX_SAFE }
        : { type: "integer", minimum: -MAX_SAFE, maximum: MAX_SAFE },
      canonical: `{"maximum":${MAX_SAFE},"minimum":${-MAX_SAFE},"type":"integer"}`,
    };
  const pattern = check.pattern;
  if (
    def.type === "string" &&
    check.check === "string_format" &&
    check.format === "regex" &&
    pattern instanceof RegExp
  )
    return {
      json: top
        ? { $schema: DRAFT, type: "string", pattern: pattern.source }
        : { type: "string", pattern: pattern.source },
      canonical: `{"pattern":${JSON.stringify(pattern.source)},"type":"string"}`,
    };
  return undefined;
}

/**
 * Whether `schema` is a bare `type` (string, number, boolean) with nothing added: no
 * checks, parent, metadata or custom export. plain() says so: it writes such a schema as
 * the leaf itself.
 */
function bare(schema: z.ZodType, type: string): boolean {
  const leaf = LEAVES[type];
  return leaf !== undefined && plain(schema, new Set())?.canonical === leaf;
}

/**
 * z.enum of strings: zod writes `type` and the values in the entries' key order (numeric
 * keys first, as JavaScript orders them). Enums with numbers (TypeScript's numeric enums)
 * and the empty enum are left to zod.
 */
function stringEnum(entries: Record<string, unknown>, top: boolean): Plain | undefined {
  const values = Object.values(entries);
  if (values.length === 0 || !values.every((v) => typeof v === "string")) return undefined;
  return {
    json: top ? { $schema: DRAFT, type: "string", enum: values } : { type: "string", enum: values },
    canonical: `{"enum":${JSON.stringify(values)},"type":"string"}`,
  };
}

/**
 * `.nullable()`: zod writes `anyOf` the inner schema and `{ type: "null" }`, and then folds
 * that into a `type` pair when the inner schema is a bare type (`z.number().nullable()`).
 * Nested optional or nullable inner schemas are left to zod.
 */
function nullable(inner: z.ZodType, open: Set<z.ZodType>, top: boolean): Plain | undefined {
  const type = (inner as unknown as { _zod: Internals })._zod.def.type;
  if (type === "nullable" || type === "optional") return undefined;
  const body = plain(inner, open);
  if (body === undefined) return undefined;
  if (body.canonical === LEAVES[type])
    return {
      json: top ? { $schema: DRAFT, type: [type, "null"] } : { type: [type, "null"] },
      canonical: `{"type":[${JSON.stringify(type)},"null"]}`,
    };
  return {
    json: top
      ? { $schema: DRAFT, anyOf: [body.json, { type: "null" }] }
      : { anyOf: [body.json, { type: "null" }] },
    canonical: `{"anyOf":[${body.canonical},{"type":"null"}]}`,
  };
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
