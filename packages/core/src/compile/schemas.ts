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
    // "any" keeps types JSON Schema cannot express (dates, transforms) from failing the
    // export; they still validate at run time through zod itself.
    const json = z.toJSONSchema(schema, { unrepresentable: "any", io: "output" }) as Record<
      string,
      unknown
    >;
    info = { json, hash: hashJson(json) };
    cache.set(schema, info);
  }
  return info;
}
