import { z } from "zod";
import { lazySchema } from "../util/lazy-schema.ts";

/**
 * The newest version of the plan format. Bumped on any incompatible change to PlanSchema.
 * 3 added map nodes and partitioned datasets; a plan without them is still written as 2
 * (byte-identical to before), so only plans that need the new fields are refused by older
 * readers — which would otherwise run a map node once, on the whole collection.
 */
export const IR_VERSION = 3;
/** The version of plans without map nodes or partitioned datasets. */
export const IR_VERSION_BASE = 2;
/** The version of the cache-key encoding. Bumped whenever what goes into a key changes. */
export const KEY_FORMAT = 2;

const Hash = lazySchema(() => z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest"));
const Id = lazySchema(() => z.string().min(1));

/** Where a dataset lives: from the catalog, or `{ type: "memory" }` when it is not listed. */
export const StorageBindingSchema = lazySchema(() =>
  z.object({
    /** Dataset type: memory, json, jsonl, csv, parquet, text, bytes, or a registered one. */
    type: z.string().min(1),
    /** file:// or s3:// URI (or a project-relative path); absent for memory. */
    uri: z.string().optional(),
    /** Load/save options passed to the format. */
    options: z.record(z.string(), z.unknown()).optional(),
    /** Name of a credentials entry; never the secret itself. */
    credentials: z.string().optional(),
  }),
);
export type StorageBinding = z.infer<typeof StorageBindingSchema>;

export const PlanDatasetSchema = lazySchema(() =>
  z.object({
    id: Id,
    /** "metrics" datasets hold numbers a node reports; they are recorded in run records. */
    kind: z.enum(["data", "metrics"]),
    description: z.string().optional(),
    /** Key into `plan.schemas`: sha256 of the canonical JSON Schema. */
    schemaHash: Hash,
    storage: StorageBindingSchema,
    /** Node id that writes it; null for a free input. */
    producer: Id.nullable(),
    /** Node ids that read it, sorted. */
    consumers: z.array(Id),
    /**
     * Set for a partitioned dataset: a set of named partitions, one file each under the
     * storage `uri` (a folder or prefix); `schemaHash` is the schema of one partition.
     */
    partitioned: z.literal(true).optional(),
  }),
);
export type PlanDataset = z.infer<typeof PlanDatasetSchema>;

export const PlanParamSchema = lazySchema(() =>
  z.object({
    id: Id,
    schemaHash: Hash,
    /** The validated value (after zod parsing, defaults applied). */
    value: z.unknown(),
    /** object-hash of the validated value. */
    valueHash: z.string().min(1),
    consumers: z.array(Id),
    /**
     * Present (true) for a param declared `{ runtime: true }`: `value` is only its default,
     * the engine may pass another when a run is submitted. Its value and valueHash stay out
     * of the plan hash and of the nodes' static keys; the runner adds valueHash to the key
     * of each node that reads it.
     */
    runtime: z.literal(true).optional(),
  }),
);
export type PlanParam = z.infer<typeof PlanParamSchema>;

export const ResourcesSchema = lazySchema(() =>
  z.object({
    /** Kubernetes quantity, e.g. "500m" or "2". */
    cpu: z.string().optional(),
    /** Kubernetes quantity, e.g. "512Mi". */
    memory: z.string().optional(),
    gpu: z.number().int().nonnegative().optional(),
  }),
);
export type Resources = z.infer<typeof ResourcesSchema>;

export const CodeFingerprintSchema = lazySchema(() =>
  z.object({
    /** Declared `codeVersion`; when set it replaces the module files in the key. */
    version: z.string().nullable(),
    /**
     * Project-relative path -> sha256 of its code (comments, formatting and types left out),
     * for every project module on the node's definition stack and everything they import;
     * `file:<path>` entries for declared `codeFiles` (by content).
     */
    files: z.record(z.string(), Hash),
    /** Package name -> installed version, for every package those modules import. */
    packages: z.record(z.string(), z.string()),
  }),
);
export type CodeFingerprint = z.infer<typeof CodeFingerprintSchema>;

export const MapSchema = lazySchema(() =>
  z.object({
    /** The input key mapped over. */
    over: z.string().min(1),
    /**
     * "partitions": one call per partition of a partitioned dataset; "items": one call per
     * item of a list-valued dataset or param.
     */
    source: z.enum(["partitions", "items"]),
  }),
);
export type PlanMap = z.infer<typeof MapSchema>;

export const PlanNodeSchema = lazySchema(() =>
  z.object({
    /** Qualified name: namespace + "." + name. What --nodes and run-node take. */
    id: Id,
    /** The name as declared, without namespace. */
    name: Id,
    namespace: z.string().nullable(),
    /** Input key -> dataset id. */
    inputs: z.record(z.string(), Id),
    /** Input key -> param id. */
    params: z.record(z.string(), Id),
    /** Output key -> dataset id. */
    outputs: z.record(z.string(), Id),
    tags: z.array(z.string()),
    resources: ResourcesSchema,
    retries: z.number().int().nonnegative(),
    timeoutSeconds: z.number().positive().nullable(),
    /** false when the node opted out of caching (`cache: false`). */
    cache: z.boolean(),
    /** Where node() was called, "path/file.ts:12", project-relative; null if unknown. */
    location: z.string().nullable(),
    /** sha256 over the code fingerprint; the fingerprint itself is `plan.code[codeHash]`. */
    codeHash: Hash,
    /** Static part of the cache key; the runner adds input content hashes. */
    cacheKey: Hash,
    /**
     * Set for a map node: it runs once per partition (or list item) of input `over`, and
     * each output is partitioned. The items are known only at run time.
     */
    map: MapSchema.optional(),
  }),
);
export type PlanNode = z.infer<typeof PlanNodeSchema>;

/**
 * The plan (IR): everything an adapter or the runner needs, nothing that only exists in
 * memory. See docs/plan.md.
 */
export const PlanSchema = lazySchema(() =>
  z
    .object({
      irVersion: z.union([z.literal(IR_VERSION_BASE), z.literal(IR_VERSION)]),
      keyFormat: z.literal(KEY_FORMAT),
      pipeline: Id,
      /** Nodes in topological order (ties broken by id). */
      nodes: z.array(PlanNodeSchema),
      /** The same order as node ids. */
      order: z.array(Id),
      /** Datasets sorted by id. */
      datasets: z.array(PlanDatasetSchema),
      /** Params sorted by id. */
      params: z.array(PlanParamSchema),
      /** Schema hash -> JSON Schema (draft 2020-12), shared by datasets and params. */
      schemas: z.record(z.string(), z.record(z.string(), z.unknown())),
      /**
       * Code hash -> code fingerprint, shared by the nodes whose code is the same (the nodes of
       * one module usually are): a node's fingerprint can list hundreds of files.
       */
      code: z.record(z.string(), CodeFingerprintSchema),
      /** Dataset ids no node produces: what the plan needs from outside. */
      inputs: z.array(Id),
      /** Dataset ids no node consumes: what the plan delivers. */
      outputs: z.array(Id),
    })
    .superRefine((plan, ctx) => {
      const ids = plan.nodes.map((n) => n.id);
      if (ids.join("\n") !== plan.order.join("\n")) {
        ctx.addIssue({
          code: "custom",
          path: ["order"],
          message: "order must list node ids in the order of nodes",
        });
      }
      const datasets = new Set(plan.datasets.map((d) => d.id));
      const params = new Set(plan.params.map((p) => p.id));
      const schemas = plan.schemas;
      for (const [i, node] of plan.nodes.entries()) {
        if (!(node.codeHash in plan.code)) {
          ctx.addIssue({
            code: "custom",
            path: ["nodes", i, "codeHash"],
            message: `node "${node.id}" has code hash ${node.codeHash}, which is not in plan.code`,
          });
        }
        for (const [key, ds] of [...Object.entries(node.inputs), ...Object.entries(node.outputs)]) {
          if (!datasets.has(ds)) {
            ctx.addIssue({
              code: "custom",
              path: ["nodes", i, key],
              message: `unknown dataset "${ds}"`,
            });
          }
        }
        for (const [key, p] of Object.entries(node.params)) {
          if (!params.has(p))
            ctx.addIssue({
              code: "custom",
              path: ["nodes", i, key],
              message: `unknown param "${p}"`,
            });
        }
      }
      const partitioned = new Set(plan.datasets.filter((d) => d.partitioned).map((d) => d.id));
      if (
        plan.irVersion === IR_VERSION_BASE &&
        (partitioned.size > 0 || plan.nodes.some((n) => n.map))
      )
        ctx.addIssue({
          code: "custom",
          path: ["irVersion"],
          message: `a plan with map nodes or partitioned datasets has irVersion ${IR_VERSION}`,
        });
      for (const [i, node] of plan.nodes.entries()) {
        if (node.map && !(node.map.over in node.inputs) && !(node.map.over in node.params))
          ctx.addIssue({
            code: "custom",
            path: ["nodes", i, "map", "over"],
            message: `map node "${node.id}" maps over "${node.map.over}", which is not one of its inputs`,
          });
        for (const [key, ds] of Object.entries(node.outputs)) {
          if (node.map && !partitioned.has(ds))
            ctx.addIssue({
              code: "custom",
              path: ["nodes", i, "outputs", key],
              message: `map node "${node.id}" writes "${ds}", which is not partitioned`,
            });
        }
      }
      for (const [i, d] of plan.datasets.entries()) {
        if (!(d.schemaHash in schemas)) {
          ctx.addIssue({
            code: "custom",
            path: ["datasets", i, "schemaHash"],
            message: "schema not in plan.schemas",
          });
        }
      }
    }),
);
export type Plan = z.infer<typeof PlanSchema>;
