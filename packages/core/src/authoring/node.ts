import type { Resources } from "../plan/schema.ts";
import type { Dataset } from "./dataset.ts";
import { callerSite, type DefinitionSite, type SourceLocation } from "./location.ts";
import type { Param } from "./param.ts";

/** What a node may read: datasets and params, by input key. */
export type NodeInputs = Record<string, Dataset<any> | Param<any>>;
/** What a node writes: datasets, by output key. */
export type NodeOutputs = Record<string, Dataset<any>>;

/** The values behind a record of datasets/params: `{ key: T }` for each `Dataset<T>`. */
export type ValuesOf<R> = {
  [K in keyof R]: R[K] extends Dataset<infer T> ? T : R[K] extends Param<infer T> ? T : never;
};

/** Rejects keys of `Actual` that `Expected` does not have, so extra outputs are type errors. */
type Exact<Expected, Actual> = Actual & Record<Exclude<keyof Actual, keyof Expected>, never>;

export interface NodeSpec<I extends NodeInputs, O extends NodeOutputs, R extends ValuesOf<O>> {
  /** Unique within a pipeline: letters, digits, "_", "." and "-". */
  name: string;
  inputs?: I;
  outputs: O;
  /** Receives the typed input values; returns (or resolves to) exactly the output keys. */
  run: (inputs: ValuesOf<I>) => Exact<ValuesOf<O>, R> | Promise<Exact<ValuesOf<O>, R>>;
  tags?: readonly string[];
  /** Extra attempts after a failure (default 0). */
  retries?: number;
  /** Requests for an engine's pod: cpu and memory as Kubernetes quantities. */
  resources?: { cpu?: string | number; memory?: string; gpu?: number };
  /** Seconds before the engine kills the attempt. */
  timeout?: number;
  /**
   * Replaces the code fingerprint: the node's code identity is this string, and only
   * this string (bump it by hand to invalidate caches). For code that static analysis
   * cannot see; see docs/caching.md.
   */
  codeVersion?: string;
  /**
   * Files the node's code depends on without importing them (a SQL template, a config
   * read with `fs`), relative to the project root: their content is part of the key.
   */
  codeFiles?: readonly string[];
  /** false: always run, never reuse a cached result. */
  cache?: boolean;
}

/**
 * A node: a function from typed inputs to typed outputs. Create with `node()`; place in a
 * pipeline with `pipeline()`. Namespacing returns renamed copies and never mutates.
 */
export class Node {
  readonly type = "node" as const;
  constructor(
    /** The declared name, without namespace. */
    readonly name: string,
    readonly namespace: string | null,
    readonly inputs: Readonly<NodeInputs>,
    readonly outputs: Readonly<NodeOutputs>,
    readonly run: (inputs: Record<string, unknown>) => unknown,
    readonly tags: readonly string[],
    readonly retries: number,
    readonly resources: Resources,
    readonly timeout: number | null,
    readonly codeVersion: string | null,
    readonly cache: boolean,
    /** Where node() was called and the project files on the stack; null when the stack did not say. */
    readonly site: DefinitionSite | null,
    /** Extra files the code depends on, relative to the project root. */
    readonly codeFiles: readonly string[] = [],
  ) {}

  /** Where node() was called; null when the stack did not say. */
  get location(): SourceLocation | null {
    return this.site?.location ?? null;
  }

  /** The qualified name: `namespace.name`, or `name` outside any namespace. */
  get id(): string {
    this.qualified ??= this.namespace === null ? this.name : `${this.namespace}.${this.name}`;
    return this.qualified;
  }

  // Derived once: the compiler and the pipeline operations ask for these again and again.
  private qualified?: string;
  private splitInputs?: {
    datasets: [string, Dataset<unknown>][];
    params: [string, Param<unknown>][];
  };

  private split() {
    if (!this.splitInputs) {
      const datasets: [string, Dataset<unknown>][] = [];
      const params: [string, Param<unknown>][] = [];
      // Object.keys, not entries: one pair per input, the ones kept.
      for (const key of Object.keys(this.inputs)) {
        const h = this.inputs[key]!;
        if (h.type === "dataset") datasets.push([key, h]);
        else params.push([key, h]);
      }
      this.splitInputs = { datasets, params };
    }
    return this.splitInputs;
  }

  /** Datasets read, by key (params excluded). */
  datasetInputs(): readonly [string, Dataset<unknown>][] {
    return this.split().datasets;
  }

  /** Params read, by key. */
  paramInputs(): readonly [string, Param<unknown>][] {
    return this.split().params;
  }

  /** A copy with other namespace, inputs, outputs or tags. */
  with(change: {
    namespace?: string | null;
    inputs?: NodeInputs;
    outputs?: NodeOutputs;
    tags?: readonly string[];
  }): Node {
    return new Node(
      this.name,
      change.namespace === undefined ? this.namespace : change.namespace,
      change.inputs ?? this.inputs,
      change.outputs ?? this.outputs,
      this.run,
      change.tags ?? this.tags,
      this.retries,
      this.resources,
      this.timeout,
      this.codeVersion,
      this.cache,
      this.site,
      this.codeFiles,
    );
  }

  /** "name (src/file.ts:12)" for messages. */
  describe(root?: string): string {
    if (!this.location) return `"${this.id}"`;
    const file =
      root && this.location.file.startsWith(`${root}/`)
        ? this.location.file.slice(root.length + 1)
        : this.location.file;
    return `"${this.id}" (${file}:${this.location.line})`;
  }
}

/**
 * Declares a node. Types flow end to end: `run` receives `{ key: T }` for every input and
 * must return exactly the output keys with their types.
 *
 * @example
 * const clean = node({
 *   name: "clean_companies",
 *   inputs: { raw: rawCompanies },
 *   outputs: { clean: companies },
 *   run: ({ raw }) => ({ clean: raw.filter((c) => c.rating !== null) }),
 * });
 */
export function node<
  I extends NodeInputs = Record<string, never>,
  O extends NodeOutputs = NodeOutputs,
  R extends ValuesOf<O> = ValuesOf<O>,
>(spec: NodeSpec<I, O, R>): Node {
  const r = spec.resources;
  return new Node(
    spec.name,
    null,
    spec.inputs ?? {},
    spec.outputs,
    spec.run as (inputs: Record<string, unknown>) => unknown,
    [...(spec.tags ?? [])],
    spec.retries ?? 0,
    {
      ...(r?.cpu !== undefined && { cpu: String(r.cpu) }),
      ...(r?.memory !== undefined && { memory: r.memory }),
      ...(r?.gpu !== undefined && { gpu: r.gpu }),
    },
    spec.timeout ?? null,
    spec.codeVersion ?? null,
    spec.cache ?? true,
    callerSite(node),
    spec.codeFiles ? [...spec.codeFiles] : [],
  );
}
