import { z } from "zod";
import { BUILTIN_TYPES, formatTypes } from "../formats/registry.ts";

const Args = z.record(z.string(), z.unknown());

/**
 * One entry of conf/catalog.yaml: where a dataset lives and in which format.
 *
 * @example
 * CatalogEntrySchema.parse({ type: "csv", path: "data/01_raw/companies.csv", load_args: { delimiter: ";" } })
 */
export const CatalogEntrySchema = z
  .object({
    type: z
      .string()
      .min(1)
      .describe(
        `Dataset type: ${BUILTIN_TYPES.join(", ")}, or one registered with registerFormat().`,
      ),
    path: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Project-relative path of the data. Must stay inside the project. May use the {placeholders} of a pattern key.",
      ),
    uri: z
      .string()
      .min(1)
      .optional()
      .describe("Absolute location instead of path: file:///absolute/path or s3://bucket/key."),
    load_args: Args.optional().describe(
      "Options for reading, passed to the format (see docs/formats.md).",
    ),
    save_args: Args.optional().describe(
      "Options for writing, passed to the format (see docs/formats.md).",
    ),
    filename_suffix: z
      .string()
      .regex(/^(\.[A-Za-z0-9_-]+)*$/, 'a file extension such as ".csv" or ".csv.gz"')
      .optional()
      .describe(
        "Partitioned datasets only: the extension of each partition file (default: the format's, e.g. .jsonl).",
      ),
    credentials: z
      .string()
      .min(1)
      .optional()
      .describe("Name of an entry in conf/credentials.yaml (s3:// only). Never the secret itself."),
    description: z
      .string()
      .optional()
      .describe("What the dataset holds, for people and `pipewright ls`."),
    metadata: Args.optional().describe(
      "Free-form data for tools and plugins; pipewright ignores it.",
    ),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.type === "memory") {
      for (const key of ["path", "uri", "credentials"] as const) {
        if (e[key] !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `a memory dataset has no ${key}; remove it, or choose a file type`,
          });
      }
      return;
    }
    if (e.path === undefined && e.uri === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: `a ${e.type} dataset needs "path" (project-relative) or "uri" (file:// or s3://)`,
      });
    }
    if (e.path !== undefined && e.uri !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["uri"],
        message: 'give either "path" or "uri", not both',
      });
    }
    if (e.credentials !== undefined && !/^s3a?:\/\//i.test(e.uri ?? "")) {
      ctx.addIssue({
        code: "custom",
        path: ["credentials"],
        message: "credentials apply to s3:// URIs only",
      });
    }
  });
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

/**
 * The whole of conf/catalog.yaml: dataset names and patterns (`"{namespace}.{name}"`) to
 * entries. Keys starting with "_" hold YAML anchors and are ignored, as in Kedro.
 */
export const CatalogFileSchema = z.record(z.string(), CatalogEntrySchema);

/** Top-level keys that are not entries (YAML anchors and shared blocks). */
export const isAnchorKey = (key: string): boolean => key.startsWith("_");

/**
 * The JSON Schema of conf/catalog.yaml, for editors (VS Code's YAML extension, JetBrains):
 * completion of fields and types, and squiggles on typos. Draft 7, the widest supported.
 *
 * @example
 * await writeFile("catalog.schema.json", JSON.stringify(catalogJsonSchema(), null, 2));
 */
export function catalogJsonSchema(): Record<string, unknown> {
  const entry = z.toJSONSchema(CatalogEntrySchema, { target: "draft-7", io: "input" }) as Record<
    string,
    unknown
  >;
  delete entry.$schema;
  const props = entry.properties as Record<string, Record<string, unknown>>;
  // A plain string property gives no completion; offer the known types, still allowing others.
  props.type = {
    description: props.type!.description,
    anyOf: [{ enum: formatTypes() }, { type: "string", minLength: 1 }],
  };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "pipewright catalog (conf/catalog.yaml)",
    description:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${env:...} syntax
      'Dataset names, or patterns such as "{namespace}.{name}", mapped to where the data lives and its format. Strings may use ${env:VAR} and ${env:VAR,default}. See docs/catalog.md.',
    type: "object",
    patternProperties: { "^_": { description: "YAML anchors and shared blocks; ignored." } },
    additionalProperties: {
      ...entry,
      description:
        "A catalog entry: exactly one of path or uri, except for type memory, which has neither.",
      // The superRefine rules, in JSON Schema terms, so editors flag them too.
      if: { properties: { type: { const: "memory" } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else
      then: {
        not: {
          anyOf: [{ required: ["path"] }, { required: ["uri"] }, { required: ["credentials"] }],
        },
      },
      else: { oneOf: [{ required: ["path"] }, { required: ["uri"] }] },
    },
  };
}
