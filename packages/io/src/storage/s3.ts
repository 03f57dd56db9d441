import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { ErrorCode } from "@pipewright/core";
import { StorageError } from "../errors.ts";
import { hashBytes, hashStream } from "../hash.ts";
import { s3ClientConfig } from "./s3-config.ts";
import { notFound, type Storage, type StorageOptions } from "./storage.ts";
import { LocationProblem, parseLocation } from "./uri.ts";

/** Object metadata holding the content hash, so hash() needs a HEAD instead of a download. */
const HASH_META = "pw-xxh128";

/**
 * S3 and S3-compatible servers through the official AWS SDK. A PUT is atomic: readers see
 * the old object or the new one. Objects up to 5 GB (single PUT).
 */
export class S3Storage implements Storage {
  constructor(
    readonly client: S3Client,
    private readonly label: string,
    /** Keys per list request; S3's maximum (1000) unless a test wants several pages. */
    private readonly pageSize = 1000,
  ) {}

  static open(options: StorageOptions): S3Storage {
    const config = s3ClientConfig(
      options.credentials,
      options.credentialsName,
      options.env ?? process.env,
    );
    const label =
      options.credentialsName === undefined
        ? "the AWS environment"
        : `credentials "${options.credentialsName}"`;
    return new S3Storage(new S3Client(config), label);
  }

  async read(uri: string): Promise<Uint8Array> {
    const { bucket, key } = this.parse(uri);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await out.Body!.transformToByteArray();
    } catch (e) {
      throw this.failure(e, uri, "read");
    }
  }

  async write(uri: string, data: Uint8Array): Promise<void> {
    const { bucket, key } = this.parse(uri);
    const hash = await hashBytes(data);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: data,
          ContentLength: data.byteLength,
          Metadata: { [HASH_META]: hash },
        }),
      );
    } catch (e) {
      throw this.failure(e, uri, "write");
    }
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.head(uri)) !== undefined;
  }

  async remove(uri: string): Promise<void> {
    const { bucket, key } = this.parse(uri);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
      throw this.failure(e, uri, "remove");
    }
  }

  async list(prefix: string): Promise<string[]> {
    const { bucket, key } = this.parse(prefix, true);
    const out: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: key,
            MaxKeys: this.pageSize,
            ...(token !== undefined && { ContinuationToken: token }),
          }),
        );
        for (const o of page.Contents ?? [])
          if (o.Key !== undefined) out.push(`s3://${bucket}/${o.Key}`);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (e) {
      throw this.failure(e, prefix, "list");
    }
    return out.sort();
  }

  async hash(uri: string): Promise<string | undefined> {
    const head = await this.head(uri);
    if (head === undefined) return undefined;
    // A PUT replaces all metadata, so a recorded hash always belongs to the current bytes.
    const recorded = head[HASH_META];
    if (recorded !== undefined && /^[0-9a-f]{32}$/.test(recorded)) return recorded;
    const { bucket, key } = this.parse(uri);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await hashStream(out.Body as AsyncIterable<Uint8Array>);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw this.failure(e, uri, "read");
    }
  }

  /** The object's metadata, or undefined when it does not exist. */
  private async head(uri: string): Promise<Record<string, string> | undefined> {
    const { bucket, key } = this.parse(uri);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return out.Metadata ?? {};
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw this.failure(e, uri, "stat");
    }
  }

  private parse(uri: string, prefix = false): { bucket: string; key: string } {
    try {
      const loc = parseLocation(uri);
      if (loc.scheme !== "s3")
        throw new LocationProblem(ErrorCode.BAD_URI, `"${uri}" is not an s3:// URI`);
      if (!prefix && loc.key === "")
        throw new LocationProblem(
          ErrorCode.BAD_URI,
          `"${uri}" names a bucket but no object key; write s3://bucket/path/to/file`,
        );
      return loc;
    } catch (e) {
      if (e instanceof LocationProblem) throw new StorageError(e.code, uri, e.message);
      throw e;
    }
  }

  private failure(e: unknown, uri: string, op: string): StorageError {
    if (e instanceof StorageError) return e;
    if (op === "read" && isNotFound(e)) return notFound(uri);
    const err = e as {
      name?: string;
      message?: string;
      code?: string;
      $metadata?: { httpStatusCode?: number };
    };
    const status = err.$metadata?.httpStatusCode;
    let why: string;
    if (err.name === "NoSuchBucket")
      why = `the bucket does not exist (${this.label}); create it or fix the URI`;
    else if (
      status === 403 ||
      ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"].includes(err.name ?? "")
    ) {
      // The server's message can quote the request; the name of the error is enough.
      why = `access denied (${err.name}); check ${this.label}`;
    } else if (
      err.code === "ECONNREFUSED" ||
      err.name === "TimeoutError" ||
      err.code === "ENOTFOUND"
    ) {
      why = `the S3 endpoint cannot be reached (${err.code ?? err.name}); check the endpoint in ${this.label}`;
    } else why = `${err.name ?? "error"}: ${err.message ?? String(e)}`;
    return new StorageError(ErrorCode.STORAGE_ERROR, uri, `cannot ${op} ${uri}: ${why}.`, {
      cause: e,
    });
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err.name === "NoSuchKey" ||
    err.name === "NotFound" ||
    (err.$metadata?.httpStatusCode === 404 && err.name !== "NoSuchBucket")
  );
}
