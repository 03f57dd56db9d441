import { relative, sep } from "node:path";
import type { DefinitionSite } from "../authoring/location.ts";
import { mappingOf } from "../authoring/map-node.ts";
import type { Node } from "../authoring/node.ts";
import { isPartitioned } from "../authoring/partitioned.ts";
import type { Pipeline } from "../authoring/pipeline.ts";
import { ErrorCode } from "../errors/codes.ts";
import { CompileError, type Issue } from "../errors/errors.ts";
import {
  type CodeFingerprint,
  IR_VERSION,
  IR_VERSION_BASE,
  KEY_FORMAT,
  type Plan,
  type PlanDataset,
  type PlanNode,
  type PlanParam,
  type StorageBinding,
} from "../plan/schema.ts";
import { canonicalJson, hashJson, sha256 } from "../util/canonical.ts";
import { nameProblem } from "../util/names.ts";
import { extraFileIssues, hashExtraFiles } from "./extra-files.ts";
import { mapIssues } from "./map-checks.ts";
import { type CodeClosure, ModuleGraph } from "./module-graph.ts";
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
  /** The pipeline this one was filtered from: only used to explain a missing input. */
  filteredFrom?: Pipeline;
  /**
   * A folder where the project's module graph and code hashes are kept between processes
   * (the CLI passes `.pipewright`); without one they are kept in memory only.
   */
  stateDir?: string;
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
  issues.push(...extraFileIssues(p.items, root));
  issues.push(...mapIssues(p, root));
  const params = resolveParams(p, options.params ?? {}, issues);
  CompileError.throwIfAny(issues);

  const { order } = p.sortIds();
  const { byId, datasets, producers, consumers } = p.index;
  const schemas = new Map<string, Record<string, unknown>>();
  // Each dataset's part of a cache key, as canonical JSON, made once here rather than once
  // per node that reads it.
  const fragments = new Map<string, string>();
  const planDatasets: PlanDataset[] = [];
  for (const id of [...datasets.keys()].sort()) {
    const ds = datasets.get(id)!;
    const info = schemaInfo(ds.schema);
    schemas.set(info.hash, info.json);
    const binding = options.catalog?.resolve(id) ?? MEMORY;
    // Where and how a dataset is stored is part of the key of every node that reads or
    // writes it: a moved output reruns its producer rather than hitting and writing nothing.
    const parts = isPartitioned(ds);
    const fragment = `{"dataset":${JSON.stringify(id)},"format":${JSON.stringify(binding.type)},"location":${JSON.stringify(binding.uri ?? null)},"options":${canonicalJson(binding.options ?? null)},${parts ? '"partitioned":true,' : ""}"schema":"${info.hash}"}`;
    fragments.set(id, fragment);
    // Whole literals in the plan's key order (no spreads of optional parts, no properties
    // added one by one: this runs once per dataset).
    const kind = ds.options.kind ?? "data";
    const { description } = ds.options;
    const producer = producers.get(id)?.[0]?.id ?? null;
    const readers = distinctIds(consumers.get(id));
    const entry: PlanDataset =
      description === undefined
        ? { id, kind, schemaHash: info.hash, storage: binding, producer, consumers: readers }
        : {
            id,
            kind,
            description,
            schemaHash: info.hash,
            storage: binding,
            producer,
            consumers: readers,
          };
    if (parts) entry.partitioned = true;
    planDatasets.push(entry);
  }
  const planParams: PlanParam[] = [];
  const readers = paramReaders(p);
  for (const [id, handle] of [...p.index.params].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const info = schemaInfo(handle.schema);
    schemas.set(info.hash, info.json);
    const r = params.get(id)!;
    planParams.push({
      id,
      schemaHash: info.hash,
      value: r.value,
      valueHash: r.valueHash,
      consumers: [...(readers.get(id) ?? [])].sort(),
      ...(handle.runtime && { runtime: true as const }),
    });
  }

  const ctx: NodeContext = {
    graph: moduleGraphFor(p.items, root, options.stateDir),
    root,
    params,
    fragments,
    sites: new Map(),
    codes: new Map(),
    byClosure: new WeakMap(),
  };
  const nodes = order.map((id) => planNode(byId.get(id)![0]!, ctx));
  // Plans without map nodes or partitions keep the older version (see IR_VERSION).
  const needsMaps = nodes.some((n) => n.map) || planDatasets.some((d) => d.partitioned);
  return {
    irVersion: needsMaps ? IR_VERSION : IR_VERSION_BASE,
    keyFormat: KEY_FORMAT,
    pipeline: name,
    nodes,
    order,
    datasets: planDatasets,
    params: planParams,
    schemas: sortedRecord(schemas),
    code: sortedRecord(ctx.codes),
    inputs: planDatasets.filter((d) => d.producer === null).map((d) => d.id),
    outputs: planDatasets.filter((d) => d.consumers.length === 0).map((d) => d.id),
  };
}

/** The ids of `nodes`, sorted, each once (most datasets have one or two readers). */
function distinctIds(nodes: readonly Node[] | undefined): string[] {
  if (nodes === undefined || nodes.length === 0) return [];
  if (nodes.length === 1) return [nodes[0]!.id];
  if (nodes.length === 2) {
    const a = nodes[0]!.id;
    const b = nodes[1]!.id;
    return a === b ? [a] : a < b ? [a, b] : [b, a];
  }
  const ids = nodes.map((n) => n.id).sort();
  return ids.filter((id, i) => i === 0 || id !== ids[i - 1]);
}

/** An object's keys, sorted (the default sort); most nodes have one or two inputs and outputs. */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  if (keys.length === 2) {
    if (keys[0]! > keys[1]!) keys.reverse();
  } else if (keys.length > 2) keys.sort();
  return keys;
}

/** A Map's entries as an object, keys sorted (the default sort: UTF-16 code units). */
function sortedRecord<V>(map: ReadonlyMap<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key)!;
  return out;
}

/**
 * Param id -> the ids of the nodes reading it (each node once, in pipeline order), in one
 * pass: a pass over every node per param was params × nodes.
 */
function paramReaders(p: Pipeline): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const n of p.items) {
    const inputs = n.paramInputs();
    for (const [i, [, h]] of inputs.entries()) {
      // A node reading one param under two keys counts once.
      if (inputs.findIndex(([, g]) => g.name === h.name) !== i) continue;
      const ids = readers.get(h.name);
      if (ids) ids.push(n.id);
      else readers.set(h.name, [n.id]);
    }
  }
  return readers;
}

interface NodeContext {
  /** The project's module graph; undefined when every node declares a codeVersion. */
  graph: ModuleGraph | undefined;
  root: string;
  params: Map<string, ResolvedParam>;
  /** Dataset id -> `{ dataset, format, location, options, schema }`, its part of a key. */
  fragments: Map<string, string>;
  /** Per definition site, by codeVersion and codeFiles: the fingerprint of nodes declaring either. */
  sites: Map<DefinitionSite | null, Map<string, CodeInfo>>;
  /** Code hash -> fingerprint: the plan's `code` table. */
  codes: Map<string, CodeFingerprint>;
  /** Per closure (shared by every site whose stack has the same files): its fingerprint. */
  byClosure: WeakMap<CodeClosure, CodeInfo>;
}

/** The graph of every module on some node's definition stack, built once per compile. */
function moduleGraphFor(
  nodes: readonly Node[],
  root: string,
  stateDir: string | undefined,
): ModuleGraph | undefined {
  const entries = new Set<string>();
  for (const n of nodes)
    if (n.codeVersion === null) for (const f of n.site?.files ?? []) entries.add(f);
  return entries.size === 0 ? undefined : ModuleGraph.of(root, entries, stateDir);
}

/** A code fingerprint as nodes' keys use it. */
interface CodeInfo {
  code: CodeFingerprint;
  codeHash: string;
  packagesJson: string;
}

/**
 * The code fingerprint of a node. Most nodes (no codeVersion, no codeFiles) have the one of
 * their stack's closure, shared by every node whose stack has the same files: looked up by
 * closure, without a memo per definition site (each node has a site of its own, its line).
 * The others are looked up by site and by what they declare, except a node without a site
 * and without a codeVersion: its own function's text is its fingerprint (see fingerprint),
 * so nodes without sites never share one (they all have the same site, null).
 */
function codeInfo(n: Node, ctx: NodeContext): CodeInfo {
  if (n.site === null && n.codeVersion === null) return fingerprint(n, ctx);
  if (n.codeVersion === null && n.codeFiles.length === 0 && ctx.graph && n.site) {
    const closure = ctx.graph.closure(n.site.files);
    let info = ctx.byClosure.get(closure);
    if (!info) {
      info = fingerprint(n, ctx);
      ctx.byClosure.set(closure, info);
    }
    return info;
  }
  const variant = `${n.codeVersion ?? ""}\0${n.codeFiles.join("\0")}`;
  let bySite = ctx.sites.get(n.site);
  let info = bySite?.get(variant);
  if (!info) {
    info = fingerprint(n, ctx);
    if (!bySite) {
      bySite = new Map();
      ctx.sites.set(n.site, bySite);
    }
    bySite.set(variant, info);
  }
  return info;
}

/** Project-relative, "/"-separated; a prefix cut in the common case (path.relative is slow). */
function relativePath(root: string, file: string): string {
  return file.startsWith(`${root}${sep}`) && sep === "/"
    ? file.slice(root.length + 1)
    : relative(root, file).split(sep).join("/");
}

/** A node's code fingerprint, computed (see codeInfo for when). */
function fingerprint(n: Node, ctx: NodeContext): CodeInfo {
  const base =
    n.codeVersion === null && ctx.graph && n.site
      ? ctx.graph.closure(n.site.files)
      : { files: {}, packages: {} };
  const files = { ...base.files, ...hashExtraFiles(n.codeFiles, ctx.root) };
  // No stack to go by (code built by eval, say): the function's own text is all there is.
  if (n.codeVersion === null && !n.site) files["<function>"] = sha256(n.run.toString());
  const code: CodeFingerprint = { version: n.codeVersion, files, packages: base.packages };
  // With a codeVersion, the version (and any codeFiles) is the code's identity. The hash
  // names the plan's code table entry, so the packages are part of it too.
  const codeHash = hashJson({ version: n.codeVersion, files, packages: base.packages });
  ctx.codes.set(codeHash, code);
  return { code, codeHash, packagesJson: canonicalJson(base.packages) };
}

function planNode(n: Node, ctx: NodeContext): PlanNode {
  const { params, fragments } = ctx;
  const { codeHash, packagesJson } = codeInfo(n, ctx);
  const location = n.location
    ? `${relativePath(ctx.root, n.location.file)}:${n.location.line}`
    : null;
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
  const mapping = mappingOf(n);
  for (const key of sortedKeys(n.inputs)) {
    const h = n.inputs[key]!;
    const k = JSON.stringify(key);
    if (h.type === "dataset") {
      inputs[key] = h.name;
      inputsJson += `${inputsJson ? "," : ""}${k}:${fragments.get(h.name)!}`;
    } else {
      paramRefs[key] = h.name;
      // A runtime param's value is known only when the node runs: the runner adds it. A
      // list param mapped over counts per item in each partition's key (the runner adds
      // it), so adding an item does not rerun the others.
      const valueHash =
        mapping?.over === key
          ? `mapped:${h.name}`
          : h.runtime
            ? "runtime"
            : params.get(h.name)!.valueHash;
      paramsJson += `${paramsJson ? "," : ""}${k}:${JSON.stringify(valueHash)}`;
    }
  }
  let outputsJson = "";
  for (const key of sortedKeys(n.outputs)) {
    const h = n.outputs[key]!;
    outputs[key] = h.name;
    outputsJson += `${outputsJson ? "," : ""}${JSON.stringify(key)}:${fragments.get(h.name)!}`;
  }
  const over = mapping && n.inputs[mapping.over];
  const map = over
    ? {
        over: mapping.over,
        source:
          over.type === "dataset" && isPartitioned(over)
            ? ("partitions" as const)
            : ("items" as const),
      }
    : undefined;
  const mapJson = map ? `"map":${canonicalJson(map)},` : "";
  const cacheKey = sha256(
    `{"code":"${codeHash}","id":${JSON.stringify(n.id)},"inputs":{${inputsJson}},"keyFormat":${KEY_FORMAT},${mapJson}` +
      `"outputs":{${outputsJson}},"packages":${packagesJson},"params":{${paramsJson}}}`,
  );
  const entry: PlanNode = {
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
    codeHash,
    cacheKey,
  };
  if (map) entry.map = map;
  return entry;
}
