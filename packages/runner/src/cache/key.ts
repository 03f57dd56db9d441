import { type CodeFingerprint, canonicalJson, type PlanNode, sha256 } from "@pipewright/core";
import type { PlanIndex } from "../plan-index.ts";

/** What was true of an input when a node ran: its content, schema and producer. */
export interface InputFact {
  hash: string;
  schema: string;
  /** The node that wrote it, or null for a free input. */
  upstream: string | null;
  /** Where it was read from (absent: in memory, or an entry made before locations counted). */
  location?: string | null;
}

/**
 * Everything that went into a node's key, kept per node so `status` can say which part
 * changed. The static key in the plan is a hash of these minus the inputs' content.
 */
export interface KeyParts {
  keyFormat: number;
  static: string;
  code: CodeFingerprint & { location: string | null };
  params: Record<string, { value: unknown; hash: string }>;
  /** Dataset id -> what the node read. */
  inputs: Record<string, InputFact>;
  /** Dataset id -> schema hash, format, location and options (canonical JSON) of what it writes. */
  outputs: Record<
    string,
    { schema: string; format: string; location?: string | null; options?: string }
  >;
}

/**
 * The full cache key: the plan's static key plus the content and schema hash of every
 * input, taken just before the node runs, and the value of every runtime param it reads. Equal upstream bytes give an equal key, so an
 * upstream rerun that changes nothing still hits downstream (early cutoff).
 */
export function fullKey(
  node: PlanNode,
  inputHashes: ReadonlyMap<string, string>,
  index: PlanIndex,
): string {
  let text = `pipewright-key\0${node.cacheKey}`;
  // Input keys in sorted order so the key does not depend on declaration order.
  for (const key of sortedKeys(node.inputs)) {
    const id = node.inputs[key]!;
    text += `\0${key}\0${id}\0${inputHashes.get(id) ?? ""}\0${index.datasets.get(id)!.schemaHash}`;
  }
  // Runtime params are in the static key by name only: their value, as this run got it, goes here.
  for (const key of sortedKeys(node.params)) {
    const p = index.params.get(node.params[key]!)!;
    if (p.runtime) text += `\0param\0${key}\0${p.id}\0${p.valueHash}`;
  }
  // Through core's sha256: its memo holds a cached node's key text from the last status.
  return sha256(text);
}

/**
 * An object's keys in the order Array.prototype.sort gives strings (UTF-16 code units).
 * By insertion, in place: a node has a handful of inputs, and `sort` allocated ~0.9 kB
 * of work space per call, once per node of every run.
 */
export function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

/** The parts of a node's key, for the per-node snapshot that explains later misses. */
export function keyParts(
  node: PlanNode,
  inputHashes: ReadonlyMap<string, string>,
  index: PlanIndex,
): KeyParts {
  const inputs: Record<string, InputFact> = {};
  for (const id of Object.values(node.inputs)) {
    const ds = index.datasets.get(id)!;
    inputs[id] = {
      hash: inputHashes.get(id) ?? "",
      schema: ds.schemaHash,
      upstream: ds.producer,
      location: ds.storage.uri ?? null,
    };
  }
  const params: KeyParts["params"] = {};
  for (const id of Object.values(node.params)) {
    const p = index.params.get(id)!;
    params[id] = { value: p.value, hash: p.valueHash };
  }
  const outputs: KeyParts["outputs"] = {};
  for (const id of Object.values(node.outputs)) {
    const ds = index.datasets.get(id)!;
    outputs[id] = {
      schema: ds.schemaHash,
      format: ds.storage.type,
      location: ds.storage.uri ?? null,
      options: canonicalJson(ds.storage.options ?? null),
    };
  }
  return {
    keyFormat: index.plan.keyFormat,
    static: node.cacheKey,
    code: { ...index.plan.code[node.codeHash]!, location: node.location },
    params,
    inputs,
    outputs,
  };
}
