import type { SourceLocation } from "../authoring/location.ts";
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
import { hashJson, sha256 } from "../util/canonical.ts";
import { nameProblem } from "../util/names.ts";
import { Fingerprinter } from "./fingerprint.ts";
import { type ResolvedParam, resolveParams } from "./params.ts";
import { schemaInfo } from "./schemas.ts";
import { callSourceText } from "./source-text.ts";
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
  /** The pipeline this one was filtered from: only used to explain a missing input. */
  filteredFrom?: Pipeline;
}

const MEMORY: StorageBinding = { type: "memory" };

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
  if (problem)
    issues.push({
      code: ErrorCode.INVALID_NAME,
      message: `pipeline name ${JSON.stringify(name)} ${problem}.`,
      path: ["pipeline"],
    });
  issues.push(...structuralIssues(p, root, options.catalog, options.filteredFrom));
  const params = resolveParams(p, options.params ?? {}, issues);
  CompileError.throwIfAny(issues);

  const { order } = p.sortIds();
  const { byId, datasets, producers, consumers } = p.index;
  const schemas = new Map<string, Record<string, unknown>>();
  // Each dataset's part of a cache key, as canonical JSON, made once here rather than once
  // per node that reads it.
  const fragments = new Map<string, DatasetFragments>();
  const planDatasets: PlanDataset[] = [];
  for (const [id, ds] of [...datasets].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const info = schemaInfo(ds.schema);
    schemas.set(info.hash, info.json);
    const binding = options.catalog?.resolve(id) ?? MEMORY;
    const dataset = JSON.stringify(id);
    fragments.set(id, {
      input: `{"dataset":${dataset},"schema":"${info.hash}"}`,
      output: `{"dataset":${dataset},"format":${JSON.stringify(binding.type)},"schema":"${info.hash}"}`,
    });
    const readers = consumers.get(id) ?? [];
    planDatasets.push({
      id,
      kind: ds.options.kind ?? "data",
      ...(ds.options.description !== undefined && { description: ds.options.description }),
      schemaHash: info.hash,
      storage: binding,
      producer: producers.get(id)?.[0]?.id ?? null,
      consumers:
        readers.length === 1 ? [readers[0]!.id] : [...new Set(readers.map((n) => n.id))].sort(),
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
      consumers: readersOf(p, id),
      ...(handle.runtime && { runtime: true as const }),
    });
  }

  const ctx: NodeContext = {
    fp: new Fingerprinter(root),
    params,
    fragments,
    files: new Map(),
    sites: new Map(),
  };
  const nodes = order.map((id) => planNode(byId.get(id)![0]!, ctx));
  return {
    irVersion: IR_VERSION,
    keyFormat: KEY_FORMAT,
    pipeline: name,
    nodes,
    order,
    datasets: planDatasets,
    params: planParams,
    schemas: Object.fromEntries([...schemas].sort(([a], [b]) => (a < b ? -1 : 1))),
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

interface DatasetFragments {
  /** `{ dataset, schema }`: how an input appears in a cache key. */
  input: string;
  /** `{ dataset, format, schema }`: how an output appears in a cache key. */
  output: string;
}

interface NodeContext {
  fp: Fingerprinter;
  params: Map<string, ResolvedParam>;
  fragments: Map<string, DatasetFragments>;
  files: Map<string, string | null>;
  /** Per call site (and codeVersion): what every node declared there shares. */
  sites: Map<SourceLocation, Map<string | null, SiteInfo>>;
}

/** What nodes declared at one place share: their code fingerprint and location text. */
interface SiteInfo {
  code: CodeFingerprint;
  codeHash: string;
  location: string | null;
  packagesJson: string;
}

function siteInfo(n: Node, ctx: NodeContext): SiteInfo {
  const bySite = n.location ? ctx.sites.get(n.location) : undefined;
  const known = bySite?.get(n.codeVersion);
  if (known) return known;
  const { fp } = ctx;
  const closure = fp.closureOf(n.location?.file);
  const text = (n.location && callSourceText(n.location, ctx.files)) ?? n.run.toString();
  const code: CodeFingerprint = {
    version: n.codeVersion,
    fn: sha256(text),
    files: closure.files,
    packages: closure.packages,
  };
  const info: SiteInfo = {
    code,
    codeHash: hashJson(
      n.codeVersion !== null ? { version: n.codeVersion } : { fn: code.fn, files: code.files },
    ),
    location: n.location ? `${fp.rel(n.location.file)}:${n.location.line}` : null,
    packagesJson: fp.packagesJson(closure),
  };
  if (n.location) {
    if (bySite) bySite.set(n.codeVersion, info);
    else ctx.sites.set(n.location, new Map([[n.codeVersion, info]]));
  }
  return info;
}

function planNode(n: Node, ctx: NodeContext): PlanNode {
  const { params, fragments } = ctx;
  const { code, codeHash, location, packagesJson } = siteInfo(n, ctx);
  // The static part of the cache key: everything here can make a rerun produce different
  // outputs; the runner adds the inputs' content hashes. It is the sha256 of the canonical
  // JSON of { code, id, inputs: { key: { dataset, schema } }, keyFormat, outputs: { key:
  // { dataset, format, schema } }, packages, params: { key: valueHash } } (see docs/caching.md),
  // written out by hand because this runs once per node and must stay cheap.
  const inputs: Record<string, string> = {};
  const paramRefs: Record<string, string> = {};
  const outputs: Record<string, string> = {};
  let inputsJson = "";
  let paramsJson = "";
  for (const key of Object.keys(n.inputs).sort()) {
    const h = n.inputs[key]!;
    const k = JSON.stringify(key);
    if (h.type === "dataset") {
      inputs[key] = h.name;
      inputsJson += `${inputsJson ? "," : ""}${k}:${fragments.get(h.name)!.input}`;
    } else {
      paramRefs[key] = h.name;
      // A runtime param's value is known only when the node runs: the runner adds it.
      const valueHash = h.runtime ? "runtime" : params.get(h.name)!.valueHash;
      paramsJson += `${paramsJson ? "," : ""}${k}:${JSON.stringify(valueHash)}`;
    }
  }
  let outputsJson = "";
  for (const key of Object.keys(n.outputs).sort()) {
    const h = n.outputs[key]!;
    outputs[key] = h.name;
    outputsJson += `${outputsJson ? "," : ""}${JSON.stringify(key)}:${fragments.get(h.name)!.output}`;
  }
  const cacheKey = sha256(
    `{"code":"${codeHash}","id":${JSON.stringify(n.id)},"inputs":{${inputsJson}},"keyFormat":${KEY_FORMAT},` +
      `"outputs":{${outputsJson}},"packages":${packagesJson},"params":{${paramsJson}}}`,
  );
  return {
    id: n.id,
    name: n.name,
    namespace: n.namespace,
    inputs,
    params: paramRefs,
    outputs,
    tags: n.tags.length === 0 ? [] : [...n.tags].sort(),
    resources: n.resources,
    retries: n.retries,
    timeoutSeconds: n.timeout,
    cache: n.cache,
    location,
    code,
    codeHash,
    cacheKey,
  };
}
