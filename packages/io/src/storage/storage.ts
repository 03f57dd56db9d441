import { ErrorCode } from "@pipewright/core";
import type { Credentials } from "../catalog/credentials.ts";
import { StorageError } from "../errors.ts";
import { LocalStorage } from "./local.ts";
import { LocationProblem, parseLocation } from "./uri.ts";

/**
 * Where bytes live. Every method takes a full location of the storage's kind: a
 * project-relative path or file:// URI for local storage, s3://bucket/key for S3.
 */
export interface Storage {
  /** The stored bytes; StorageError SOURCE_NOT_FOUND when absent. */
  read(uri: string): Promise<Uint8Array>;
  /** Writes atomically: readers see the old bytes or the new ones, never a torn file. */
  write(uri: string, data: Uint8Array): Promise<void>;
  exists(uri: string): Promise<boolean>;
  /** Removes the object; removing an absent one is not an error. */
  remove(uri: string): Promise<void>;
  /** Every stored object whose location starts with `prefix`, sorted, in the same form as `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** The content hash (as hashBytes) of the stored bytes, or undefined when absent. */
  hash(uri: string): Promise<string | undefined>;
}

export interface StorageOptions {
  /** Project root: relative paths resolve against it and may not leave it. */
  root: string;
  /** Parsed conf/credentials.yaml. */
  credentials?: Credentials | undefined;
  /** The credentials entry to use (S3); without one, the standard AWS environment applies. */
  credentialsName?: string | undefined;
  /** Environment for AWS_* variables (default process.env). */
  env?: Record<string, string | undefined> | undefined;
}

/**
 * The storage for a location's kind: local for paths and file://, S3 for s3://.
 *
 * @example
 * const s = openStorage("s3://bucket/x.csv", { root, credentials, credentialsName: "minio" });
 * await s.write("s3://bucket/x.csv", bytes);
 */
export function openStorage(uri: string, options: StorageOptions): Storage {
  let loc: ReturnType<typeof parseLocation>;
  try {
    loc = parseLocation(uri);
  } catch (e) {
    if (e instanceof LocationProblem) throw new StorageError(e.code, uri, e.message);
    throw e;
  }
  if (loc.scheme === "s3") return new LazyS3Storage(options);
  return new LocalStorage(options.root);
}

/**
 * S3 storage whose AWS SDK is imported on first use. The SDK takes about a second to load,
 * and most commands (ls, compile, local runs) never touch s3://, so the CLI starts fast.
 */
class LazyS3Storage implements Storage {
  private real: Promise<Storage> | undefined;

  constructor(private readonly options: StorageOptions) {}

  private s3(): Promise<Storage> {
    this.real ??= import("./s3.ts").then((m) => m.S3Storage.open(this.options));
    return this.real;
  }

  read(uri: string) {
    return this.s3().then((s) => s.read(uri));
  }
  write(uri: string, data: Uint8Array) {
    return this.s3().then((s) => s.write(uri, data));
  }
  exists(uri: string) {
    return this.s3().then((s) => s.exists(uri));
  }
  remove(uri: string) {
    return this.s3().then((s) => s.remove(uri));
  }
  list(prefix: string) {
    return this.s3().then((s) => s.list(prefix));
  }
  hash(uri: string) {
    return this.s3().then((s) => s.hash(uri));
  }
}

/** Thrown for an object that is not there; DataStore turns it into a dataset-level error. */
export function notFound(uri: string): StorageError {
  return new StorageError(ErrorCode.SOURCE_NOT_FOUND, uri, `nothing stored at ${uri}`);
}
