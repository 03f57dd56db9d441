import { resolve } from "node:path";
import { PipewrightError, type PlanDataset } from "@pipewright/core";
import type { z } from "zod";
import type { Credentials } from "../catalog/credentials.ts";
import type { Env } from "../catalog/env.ts";
import { DataError, type DataLocation, ErrorCode, StorageError } from "../errors.ts";
import type { DecodeContext, FormatContext } from "../formats/format.ts";
import { canonicalText } from "../formats/memory.ts";
import { type Format, findFormat, unknownTypeMessage } from "../formats/registry.ts";
import { hashBytes } from "../hash.ts";
import { openStorage, type Storage } from "../storage/storage.ts";
import { validate } from "./validate.ts";

export interface DataContext {
  /** The node reading or writing, named in errors. */
  node?: string | undefined;
  /** The partition of a partitioned dataset, named in errors. */
  partition?: string | undefined;
}

export interface DataStoreOptions {
  /** Project root: project-relative dataset paths resolve against it. */
  root: string;
  /** Parsed conf/credentials.yaml, for datasets that name credentials. */
  credentials?: Credentials | undefined;
  /** Environment for AWS_* variables (default process.env). */
  env?: Env | undefined;
}

/** Which bindings look alike to storage: one Storage per kind and credentials name. */
const storageKey = (d: PlanDataset) =>
  `${/^s3a?:/i.test(d.storage.uri ?? "") ? "s3" : "local"}:${d.storage.credentials ?? ""}`;

/**
 * Reads and writes datasets as the plan binds them: validated by the dataset's schema on
 * both sides, encoded by the format, written atomically. Memory datasets are kept in this
 * instance. Errors name the node, dataset, row and field.
 *
 * @example
 * const store = new DataStore({ root, credentials });
 * const { hash } = await store.save(plan.datasets[0], rows, schema, { node: "clean" });
 * const back = await store.load(plan.datasets[0], schema);
 */
export class DataStore {
  private readonly memory = new Map<string, { value: unknown; hash?: string; bytes?: number }>();
  private readonly storages = new Map<string, Storage>();
  readonly root: string;

  constructor(private readonly options: DataStoreOptions) {
    this.root = resolve(options.root);
  }

  /** Reads, decodes and validates a dataset; SOURCE_NOT_FOUND when nothing is stored. */
  async load(dataset: PlanDataset, schema: z.ZodType, ctx: DataContext = {}): Promise<unknown> {
    if (isMemory(dataset)) {
      const kept = this.memory.get(dataset.id);
      if (!kept) throw this.notFound(dataset, ctx);
      return validate(schema, kept.value, where(dataset, ctx), "load");
    }
    this.format(dataset, ctx); // an unknown type is a clearer error than a missing file
    return this.decode(dataset, await this.readBytes(dataset, ctx), schema, ctx);
  }

  /** Validates, encodes and writes a dataset atomically; returns the content hash and size. */
  async save(
    dataset: PlanDataset,
    value: unknown,
    schema: z.ZodType,
    ctx: DataContext = {},
  ): Promise<{ hash: string; bytes: number }> {
    if (isMemory(dataset)) {
      const parsed = validate(schema, value, where(dataset, ctx), "save");
      const text = new TextEncoder().encode(
        canonicalText(parsed, this.formatContext(dataset, schema, ctx, "save"), false),
      );
      const kept = { value: parsed, hash: await hashBytes(text), bytes: text.byteLength };
      this.memory.set(dataset.id, kept);
      return { hash: kept.hash, bytes: kept.bytes };
    }
    return this.writeBytes(dataset, await this.encode(dataset, value, schema, ctx), ctx);
  }

  /** The content hash of what is stored (as hashBytes of the stored bytes); undefined when absent. */
  async contentHash(dataset: PlanDataset): Promise<string | undefined> {
    if (isMemory(dataset)) return this.memory.get(dataset.id)?.hash;
    const uri = uriOf(dataset);
    return this.guard(dataset, {}, () => this.storage(dataset).hash(uri));
  }

  /** Whether something is stored for the dataset. */
  async exists(dataset: PlanDataset): Promise<boolean> {
    if (isMemory(dataset)) return this.memory.has(dataset.id);
    return this.guard(dataset, {}, () => this.storage(dataset).exists(uriOf(dataset)));
  }

  /** Removes what is stored (absent is fine). */
  async remove(dataset: PlanDataset): Promise<void> {
    if (isMemory(dataset)) {
      this.memory.delete(dataset.id);
      return;
    }
    await this.guard(dataset, {}, () => this.storage(dataset).remove(uriOf(dataset)));
  }

  /** Validates and encodes a value as its format stores it (for the runner's content-addressed cache). */
  async encode(
    dataset: PlanDataset,
    value: unknown,
    schema: z.ZodType,
    ctx: DataContext = {},
  ): Promise<Uint8Array> {
    const format = this.format(dataset, ctx);
    const parsed = validate(schema, value, where(dataset, ctx), "save");
    const fctx = this.formatContext(dataset, schema, ctx, "save");
    try {
      return await format.encode(parsed, fctx);
    } catch (e) {
      if (e instanceof PipewrightError) throw e;
      throw new DataError(
        ErrorCode.NOT_SERIALISABLE,
        where(dataset, ctx),
        `${dataset.storage.type} cannot store the value: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  /** Decodes bytes of the dataset's format and validates them. */
  async decode(
    dataset: PlanDataset,
    bytes: Uint8Array,
    schema: z.ZodType,
    ctx: DataContext = {},
  ): Promise<unknown> {
    const format = this.format(dataset, ctx);
    const fctx: DecodeContext = this.formatContext(dataset, schema, ctx, "load");
    let value: unknown;
    try {
      value = await format.decode(bytes, fctx);
    } catch (e) {
      if (e instanceof PipewrightError) throw e;
      throw new DataError(
        ErrorCode.MALFORMED_DATA,
        where(dataset, ctx),
        `cannot read it as ${dataset.storage.type}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return validate(schema, value, where(dataset, ctx), "load", fctx.rowLines);
  }

  /** The stored bytes, as written (memory datasets: their canonical encoding). */
  async readBytes(dataset: PlanDataset, ctx: DataContext = {}): Promise<Uint8Array> {
    if (isMemory(dataset)) {
      const kept = this.memory.get(dataset.id);
      if (!kept) throw this.notFound(dataset, ctx);
      return new TextEncoder().encode(
        canonicalText(kept.value, this.formatContext(dataset, undefined, ctx, "save"), true),
      );
    }
    const uri = uriOf(dataset);
    return this.guard(dataset, ctx, () => this.storage(dataset).read(uri));
  }

  /**
   * Writes bytes already in the dataset's format, atomically (for restoring from a
   * cache). Memory datasets decode them and keep the value.
   */
  async writeBytes(
    dataset: PlanDataset,
    bytes: Uint8Array,
    ctx: DataContext = {},
  ): Promise<{ hash: string; bytes: number }> {
    const hash = await hashBytes(bytes);
    if (isMemory(dataset)) {
      const value = await this.format(dataset, ctx).decode(
        bytes,
        this.formatContext(dataset, undefined, ctx, "load"),
      );
      this.memory.set(dataset.id, { value, hash, bytes: bytes.byteLength });
      return { hash, bytes: bytes.byteLength };
    }
    await this.guard(dataset, ctx, () => this.storage(dataset).write(uriOf(dataset), bytes));
    return { hash, bytes: bytes.byteLength };
  }

  /** The storage behind a dataset (not for memory datasets). */
  storage(dataset: PlanDataset): Storage {
    const key = storageKey(dataset);
    let s = this.storages.get(key);
    if (!s) {
      s = openStorage(uriOf(dataset), {
        root: this.root,
        ...(this.options.credentials !== undefined && { credentials: this.options.credentials }),
        ...(dataset.storage.credentials !== undefined && {
          credentialsName: dataset.storage.credentials,
        }),
        ...(this.options.env !== undefined && { env: this.options.env }),
      });
      this.storages.set(key, s);
    }
    return s;
  }

  private format(dataset: PlanDataset, ctx: DataContext): Format {
    const format = findFormat(dataset.storage.type);
    if (!format)
      throw new DataError(
        ErrorCode.UNKNOWN_DATASET_TYPE,
        where(dataset, ctx),
        unknownTypeMessage(dataset.storage.type),
      );
    return format;
  }

  private formatContext(
    dataset: PlanDataset,
    schema: z.ZodType | undefined,
    ctx: DataContext,
    direction: "load" | "save",
  ): FormatContext {
    const options = (dataset.storage.options?.[direction === "load" ? "load_args" : "save_args"] ??
      {}) as Record<string, unknown>;
    const format = findFormat(dataset.storage.type);
    const check = direction === "load" ? format?.loadArgs : format?.saveArgs;
    // Bindings from a catalog were checked when it loaded; this catches hand-edited plans.
    const r = Object.keys(options).length > 0 ? check?.safeParse(options) : undefined;
    if (r && !r.success) {
      throw new DataError(
        ErrorCode.CATALOG_INVALID,
        where(dataset, ctx),
        `invalid ${direction}_args for ${dataset.storage.type}: ${r.error.issues.map((i) => i.message).join("; ")}`,
      );
    }
    return {
      dataset: dataset.id,
      node: ctx.node,
      uri: dataset.storage.uri,
      schema: schema as z.ZodType,
      options,
    };
  }

  /** Runs a storage call, turning StorageErrors into DataErrors that name the dataset and node. */
  private async guard<T>(dataset: PlanDataset, ctx: DataContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof StorageError)) throw e;
      if (e.code === ErrorCode.SOURCE_NOT_FOUND) throw this.notFound(dataset, ctx, e);
      throw new DataError(e.code, where(dataset, ctx), e.message, { cause: e });
    }
  }

  private notFound(d: PlanDataset, ctx: DataContext, cause?: unknown): DataError {
    const what = isMemory(d)
      ? "it is in memory and has no value in this process"
      : `nothing is stored at ${d.storage.uri}`;
    const fix =
      d.producer !== null
        ? `It is written by node "${d.producer}": run that node first (caching keeps it cheap).`
        : isMemory(d)
          ? "No node produces it: add it to conf/catalog.yaml with a path, or pass it in."
          : "No node produces it: put the file there, or fix its path in conf/catalog.yaml.";
    return new DataError(
      ErrorCode.SOURCE_NOT_FOUND,
      where(d, ctx),
      `${what}. ${fix}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

const isMemory = (d: PlanDataset) => d.storage.type === "memory";

function uriOf(d: PlanDataset): string {
  if (d.storage.uri === undefined)
    throw new DataError(
      ErrorCode.BAD_URI,
      { dataset: d.id },
      `a ${d.storage.type} dataset needs a path or uri in the catalog`,
    );
  return d.storage.uri;
}

function where(d: PlanDataset, ctx: DataContext): DataLocation {
  return { dataset: d.id, node: ctx.node, uri: d.storage.uri, partition: ctx.partition };
}
