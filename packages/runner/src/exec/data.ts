import { ErrorCode, PipewrightError, type PlanDataset } from "@pipewright/core";
import { type DataStore, hashBytes } from "@pipewright/io";
import type { z } from "zod";
import { IdMap, isMemory } from "../plan-index.ts";

/** Bytes written for an output and their content hash. */
export interface Written {
  hash: string;
  /** Undefined when an in-memory value has no byte form (a function, a class instance): it is never cached. */
  bytes: Uint8Array | undefined;
}

/**
 * Reads and writes datasets for the runner through @pipewright/io's DataStore, which
 * validates, encodes and writes atomically. In-memory datasets are kept in `memory` (the
 * run's values); their bytes are io's canonical encoding, used to hash them and to keep
 * them as cache blobs.
 */
export class DataAccess {
  private volatileCount = 0;

  constructor(
    readonly store: DataStore,
    /** The run's in-memory values: the caller's Map, or by plan position (see IdMap). */
    readonly memory: Map<string, unknown> | IdMap<unknown>,
    private readonly schemaOf: (dataset: string) => z.ZodType,
  ) {}

  /** The kept value of the in-memory dataset at position `at` of the plan's datasets (id `id`). */
  keptAt(at: number, id: string): unknown {
    const m = this.memory;
    return m instanceof IdMap ? m.getAt(at) : m.get(id);
  }

  /** A dataset's value: in-memory ones from `memory` (or the store), others loaded and validated. */
  async load(ds: PlanDataset, node: string): Promise<unknown> {
    if (isMemory(ds) && this.memory.has(ds.id)) return this.memory.get(ds.id);
    return this.store.load(ds, this.schemaOf(ds.id), { node });
  }

  /**
   * Stores an output; returns its content hash and the stored bytes. In-memory values
   * must already be validated; stored ones are validated by the store as it encodes.
   */
  async save(
    ds: PlanDataset,
    value: unknown,
    node: string,
    schema: z.ZodType = this.schemaOf(ds.id),
    at?: number,
  ): Promise<Written> {
    if (isMemory(ds)) {
      const m = this.memory;
      if (at !== undefined && m instanceof IdMap) m.setAt(at, value);
      else m.set(ds.id, value);
      return this.encodeMemory(ds, value, node, schema);
    }
    const bytes = await this.store.encode(ds, value, schema, { node });
    return { hash: (await this.store.writeBytes(ds, bytes, { node })).hash, bytes };
  }

  /** The content hash of what is stored now; undefined when absent. */
  async storedHash(ds: PlanDataset): Promise<string | undefined> {
    if (!isMemory(ds) || !this.memory.has(ds.id)) return this.store.contentHash(ds);
    return (await this.encodeMemory(ds, this.memory.get(ds.id), undefined)).hash;
  }

  /** Puts bytes back where a dataset lives (a cache restore), atomically. */
  async writeBytes(ds: PlanDataset, bytes: Uint8Array, node: string): Promise<void> {
    await this.store.writeBytes(ds, bytes, { node });
  }

  /** Turns blob bytes back into a value, validated by the dataset's schema. */
  decode(ds: PlanDataset, bytes: Uint8Array, node: string): Promise<unknown> {
    return this.store.decode(ds, bytes, this.schemaOf(ds.id), { node });
  }

  private async encodeMemory(
    ds: PlanDataset,
    value: unknown,
    node: string | undefined,
    schema: z.ZodType = this.schemaOf(ds.id),
  ): Promise<Written> {
    let bytes: Uint8Array;
    try {
      bytes = await this.store.encode(ds, value, schema, node === undefined ? {} : { node });
    } catch (error) {
      if (!(error instanceof PipewrightError) || error.code !== ErrorCode.NOT_SERIALISABLE)
        throw error;
      // No byte form: give the value a hash no other value shares, so nothing
      // downstream of it can ever be a false cache hit.
      return {
        hash: `volatile-${process.pid}-${Date.now()}-${this.volatileCount++}`,
        bytes: undefined,
      };
    }
    return { hash: await hashBytes(bytes), bytes };
  }
}
