import type { Node, Pipeline, Plan, PlanNode } from "@pipewright/core";
import { ErrorCode, PipewrightError } from "@pipewright/core";
import { z } from "zod";
import type { CacheStore } from "../cache/store.ts";
import { IdMap, isMemory, type PlanIndex, slotsAt } from "../plan-index.ts";
import type { NodeRecord, RunEvent, RunHooks, RunOptions } from "../types.ts";
import type { DataAccess } from "./data.ts";
import { keptPool } from "./kept-pool.ts";
import { PartitionData } from "./partition-data.ts";
import { WorkerPool } from "./pool.ts";

const anything = z.unknown();

/**
 * What a run takes from the in-memory pipeline for each plan position (the node's
 * function, its outputs' schemas), filled on first use and kept per plan index and
 * pipeline object: runs of the same pair (a kept process, a benchmark) look nothing up by
 * id. Pipelines are immutable, as plans are once compiled.
 */
interface Bound {
  nodes: (Node | undefined)[];
  schemas: (z.ZodType[] | undefined)[];
}
const bindings = new WeakMap<PlanIndex, WeakMap<Pipeline, Bound>>();

function bind(index: PlanIndex, pipeline: Pipeline): Bound {
  let byPipeline = bindings.get(index);
  if (!byPipeline) {
    byPipeline = new WeakMap();
    bindings.set(index, byPipeline);
  }
  let b = byPipeline.get(pipeline);
  if (!b) {
    b = { nodes: [], schemas: [] };
    byPipeline.set(pipeline, b);
  }
  return b;
}

/**
 * The state of one run: what is known about every dataset (content hashes, in-memory
 * values, cached values not yet loaded) and the record of every node so far.
 */
export class Execution {
  /** Dataset id -> content hash, for everything produced, restored or read so far. */
  readonly hashes: IdMap<string>;
  /** In-memory dataset id -> content hash of a cached value not loaded yet (loaded on first use). */
  readonly pending = new Map<string, string>();
  /** Loads of pending values in flight, so two consumers never load (or recompute) one twice. */
  readonly materializing = new Map<string, Promise<void>>();
  /** Node id -> its record, once it has one. */
  readonly records: IdMap<NodeRecord>;
  /** Node id -> cache key in the project's latest run record: a hint that saves pointer reads. */
  previousKeys = new Map<string, string>();
  /**
   * Runs a cached node again because its in-memory output could not be loaded from the
   * store (set by the runner; a callback so the input loader need not import it).
   */
  recompute: (node: PlanNode, reason: string) => Promise<void> = async () => {};
  /** run-node of one slice of a map node's partitions (engines' fan-out). */
  batch: import("../types.ts").MapBatch | undefined;
  /** Nodes (and map-node partitions) run at once. */
  parallel = 1;
  /** Keep running independent work after a failure (and other partitions of a map node). */
  keepGoing = false;
  private partitionData: PartitionData | undefined;
  private pool: WorkerPool | undefined;
  private keepPool = false;
  private readonly bound: Bound;

  constructor(
    readonly runId: string,
    readonly index: PlanIndex,
    readonly data: DataAccess,
    /** Undefined with --no-cache: nothing is read from or written to the store. */
    readonly cache: CacheStore | undefined,
    readonly o: RunOptions,
  ) {
    this.bound = bind(index, o.pipeline);
    this.hashes = new IdMap(index.datasetPosition);
    this.records = new IdMap(index.position);
  }

  get plan(): Plan {
    return this.index.plan;
  }

  get hooks(): RunHooks | undefined {
    return this.o.hooks;
  }

  get signal(): AbortSignal | undefined {
    return this.o.signal;
  }

  /** Partitioned datasets: what this run knows of them, and their reads and writes. */
  get parts(): PartitionData {
    this.partitionData ??= new PartitionData(this);
    return this.partitionData;
  }

  emit(e: RunEvent): void {
    this.o.onEvent?.(e);
  }

  /** The zod schema of a dataset, from the in-memory pipeline. */
  schemaOf = (dataset: string): z.ZodType =>
    this.o.pipeline.index.datasets.get(dataset)?.schema ?? anything;

  /**
   * Whether the runner validates a node's output itself: in-memory ones; stored datasets
   * are validated by the DataStore as it encodes, partitions one by one as they are.
   */
  validatesHere = (dataset: string): boolean => {
    const ds = this.index.datasets.get(dataset)!;
    return isMemory(ds) && !ds.partitioned;
  };

  /** The in-memory node at a plan position (as nodeOf). */
  nodeAt(at: number): Node {
    let n = this.bound.nodes[at];
    if (n === undefined) {
      n = this.nodeOf(this.index.ordered[at]!.id);
      this.bound.nodes[at] = n;
    }
    return n;
  }

  /** The zod schemas of the outputs of the node at a plan position, in slot order (as schemaOf). */
  outputSchemasAt(at: number): z.ZodType[] {
    let s = this.bound.schemas[at];
    if (s === undefined) {
      s = slotsAt(this.index, at).outputs.map((ds) => this.schemaOf(ds.id));
      this.bound.schemas[at] = s;
    }
    return s;
  }

  /** The in-memory node for a plan node. */
  nodeOf(id: string): Node {
    const n = this.o.pipeline.index.byId.get(id)?.[0];
    if (!n) {
      throw new PipewrightError(
        ErrorCode.UNKNOWN_NODE,
        `plan node "${id}" is not in the pipeline given to the runner. Pass the pipeline the plan was compiled from.`,
      );
    }
    return n;
  }

  /**
   * Starts the worker threads: from then on nodes run in them (see WorkerPool). Without
   * this, nodes run in-process.
   */
  startWorkers(size: number, init: { module: string; pipeline: string; keep?: boolean }): void {
    if (this.pool) return;
    const { keep, ...where } = init;
    this.keepPool = keep === true;
    this.pool = this.keepPool ? keptPool(size, where) : new WorkerPool(size, where);
    this.pool.users++;
    this.pool.unpark();
  }

  /** The worker pool, when nodes run in worker threads. */
  workers(): WorkerPool | undefined {
    return this.pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    pool.users--;
    if (!this.keepPool) await pool.close();
    else if (pool.users === 0) pool.park();
  }
}
