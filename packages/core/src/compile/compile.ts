import { createHash } from "node:crypto";
import type { Node } from "../authoring/node.ts";
import type { Pipeline } from "../authoring/pipeline.ts";
import { ErrorCode } from "../errors/codes.ts";
import { CompileError, type Issue } from "../errors/errors.ts";
import {
  type CodeFingerprint,
  IR_VERSION,
  KEY_FORMAT,
  type Plan,
  type PlanDataset,
  type PlanNode,
  type PlanParam,
  type StorageBinding,
} from "../plan/schema.ts";
import { hashJson } from "../util/canonical.ts";
import { nameProblem } from "../util/names.ts";
import { Fingerprinter } from "./fingerprint.ts";
import { type ResolvedParam, resolveParams } from "./params.ts";
import { schemaInfo } from "./schemas.ts";
import { type CatalogResolver, structuralIssues } from "./validate.ts";

export interface CompileOptions {
  /** The pipeline's name in the plan (default "__default__"). */
  name?: string;
  /** Where datasets live. Without one, every dataset is in memory and free inputs are declared inputs. */
  catalog?: CatalogResolver;
  /** Param values (the parsed conf/params.yaml, overrides applied). */
  params?: Record<string, unknown>;
  /** Project root: file paths in the plan are relative to it (default: cwd). */
  root?: string;
}

const MEMORY: StorageBinding = { type: "memory" };

// Many nodes share one function object (factories, generated pipelines): hash each once.
const fnHashes = new WeakMap<object, string>();
function fnHash(fn: (...args: never[]) => unknown): string {
  let h = fnHashes.get(fn);
  if (!h) {
    h = createHash("sha256").update(fn.toString()).digest("hex");
    fnHashes.set(fn, h);
  }
  return h;
}

function sortedRecord<V>(map: Map<string, V>): Record<string, V> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Validates a pipeline and turns it into a plan. Gathers every problem and throws one
 * CompileError listing them all. The same pipeline, params and code give a
 * byte-identical plan (see serializePlan).
 *
 * @example
 * const plan = compile(pipeline([clean, train]), { params: { model: { alpha: 0.1 } } });
 */
export function compile(p: Pipeline, options: CompileOptions = {}): Plan {
  const root = options.root ?? process.cwd();
  const name = options.name ?? "__default__";
  const issues: Issue[] = [];
  if (p.items.length === 0) {
    issues.push({
      code: ErrorCode.EMPTY_PIPELINE,
      message: `pipeline "${name}" has no nodes${options.name ? "" : " (a filter may have matched nothing)"}. Check the filters, or add nodes.`,
      path: ["pipeline"],
    });
    throw new CompileError(issues);
  }
  const problem = nameProblem(name);
  if (problem) issues.push({ code: ErrorCode.INVALID_NAME, message: `pipeline name ${JSON.stringify(name)} ${problem}.`, path: ["pipeline"] });
  issues.push(...structuralIssues(p, root, options.catalog));
  const params = resolveParams(p, options.params ?? {}, issues);
  CompileError.throwIfAny(issues);

  const { order } = p.sortIds();
  const { byId, datasets, producers, consumers } = p.index;
  const schemas = new Map<string, Record<string, unknown>>();
  const storage = new Map<string, StorageBinding>();
  const planDatasets: PlanDataset[] = [];
  for (const [id, ds] of [...datasets].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const info = schemaInfo(ds.schema);
    schemas.set(info.hash, info.json);
    const binding = options.catalog?.resolve(id) ?? MEMORY;
    storage.set(id, binding);
    planDatasets.push({
      id,
      kind: ds.options.kind ?? "data",
      ...(ds.options.description !== undefined && { description: ds.options.description }),
      schemaHash: info.hash,
      storage: binding,
      producer: producers.get(id)?.[0]?.id ?? null,
      consumers: [...new Set((consumers.get(id) ?? []).map((n) => n.id))].sort(),
    });
  }
  const planParams: PlanParam[] = [];
  for (const [id, handle] of [...p.index.params].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const info = schemaInfo(handle.schema);
    schemas.set(info.hash, info.json);
    const r = params.get(id)!;
    planParams.push({
      id,
      schemaHash: info.hash,
      value: r.value,
      valueHash: r.valueHash,
      consumers: p.items.length > 0 ? readersOf(p, id) : [],
    });
  }

  const fingerprinter = new Fingerprinter(root);
  const nodes = order.map((id) => planNode(byId.get(id)![0]!, fingerprinter, params, storage));
  return {
    irVersion: IR_VERSION,
    keyFormat: KEY_FORMAT,
    pipeline: name,
    nodes,
    order,
    datasets: planDatasets,
    params: planParams,
    schemas: sortedRecord(schemas),
    inputs: planDatasets.filter((d) => d.producer === null).map((d) => d.id),
    outputs: planDatasets.filter((d) => d.consumers.length === 0).map((d) => d.id),
  };
}

function readersOf(p: Pipeline, paramId: string): string[] {
  return p.items
    .filter((n) => n.paramInputs().some(([, h]) => h.name === paramId))
    .map((n) => n.id)
    .sort();
}

function planNode(n: Node, fp: Fingerprinter, params: Map<string, ResolvedParam>, storage: Map<string, StorageBinding>): PlanNode {
  const closure = n.location ? fp.closureOf(n.location.file) : { files: new Map<string, string>(), packages: new Map<string, string>() };
  const code: CodeFingerprint = {
    version: n.codeVersion,
    fn: fnHash(n.run),
    files: sortedRecord(closure.files),
    packages: sortedRecord(closure.packages),
  };
  const codeHash = hashJson(n.codeVersion !== null ? { version: n.codeVersion } : { fn: code.fn, files: code.files });
  const inputs: Record<string, string> = {};
  const paramRefs: Record<string, string> = {};
  for (const [key, h] of n.datasetInputs()) inputs[key] = h.name;
  for (const [key, h] of n.paramInputs()) paramRefs[key] = h.name;
  const outputs: Record<string, string> = {};
  for (const [key, h] of Object.entries(n.outputs)) outputs[key] = h.name;

  // The static part of the cache key; the runner adds the inputs' content hashes.
  // Everything here is what can make a rerun produce different outputs. See docs/caching.md.
  const cacheKey = hashJson({
    keyFormat: KEY_FORMAT,
    id: n.id,
    code: codeHash,
    packages: code.packages,
    params: Object.fromEntries(n.paramInputs().map(([key, h]) => [key, params.get(h.name)!.valueHash])),
    inputs: Object.fromEntries(n.datasetInputs().map(([key, h]) => [key, { dataset: h.name, schema: schemaInfo(h.schema).hash }])),
    outputs: Object.fromEntries(
      Object.entries(n.outputs).map(([key, h]) => [key, { dataset: h.name, schema: schemaInfo(h.schema).hash, format: storage.get(h.name)!.type }]),
    ),
  });
  return {
    id: n.id,
    name: n.name,
    namespace: n.namespace,
    inputs,
    params: paramRefs,
    outputs,
    tags: [...n.tags].sort(),
    resources: n.resources,
    retries: n.retries,
    timeoutSeconds: n.timeout,
    cache: n.cache,
    location: n.location ? `${fp.rel(n.location.file)}:${n.location.line}` : null,
    code,
    codeHash,
    cacheKey,
  };
}
