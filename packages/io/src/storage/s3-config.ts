import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { closest, ErrorCode } from "@pipewright/core";
import type { Credentials } from "../catalog/credentials.ts";
import { StorageError } from "../errors.ts";

/** The keys an S3 credentials entry may hold (all strings, as YAML gives them). */
export const S3_CREDENTIAL_KEYS = [
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
  "endpoint",
  "region",
  "forcePathStyle",
] as const;

/**
 * Builds the S3 client configuration from a named credentials entry, or from the standard
 * AWS environment when no name is given. Messages name keys, never their values.
 */
export function s3ClientConfig(
  credentials: Credentials | undefined,
  name: string | undefined,
  env: Record<string, string | undefined>,
): S3ClientConfig {
  const entry = name === undefined ? {} : lookup(credentials, name);
  const label = name === undefined ? "the AWS environment" : `credentials "${name}"`;
  for (const key of Object.keys(entry)) {
    if (!(S3_CREDENTIAL_KEYS as readonly string[]).includes(key)) {
      const near = closest(key, S3_CREDENTIAL_KEYS);
      throw new StorageError(
        ErrorCode.MISSING_CREDENTIALS,
        "s3://",
        `${label} has an unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}; S3 credentials take ${S3_CREDENTIAL_KEYS.join(", ")}.`,
      );
    }
  }
  const endpoint = entry.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const region = entry.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  // Self-hosted S3 (MinIO, Ceph, s3rver) rarely has wildcard DNS for virtual-host buckets.
  const forcePathStyle =
    entry.forcePathStyle !== undefined ? entry.forcePathStyle === "true" : endpoint !== undefined;
  const config: S3ClientConfig = {
    region,
    forcePathStyle,
    // Newer SDKs add CRC checksums to every request by default; many S3-compatible servers reject them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(endpoint !== undefined && { endpoint }),
  };
  const keyId = entry.accessKeyId ?? (name === undefined ? env.AWS_ACCESS_KEY_ID : undefined);
  const secret =
    entry.secretAccessKey ?? (name === undefined ? env.AWS_SECRET_ACCESS_KEY : undefined);
  const token = entry.sessionToken ?? (name === undefined ? env.AWS_SESSION_TOKEN : undefined);
  if (keyId !== undefined || secret !== undefined) {
    if (keyId === undefined || secret === undefined) {
      throw new StorageError(
        ErrorCode.MISSING_CREDENTIALS,
        "s3://",
        `${label} ${keyId === undefined ? "lacks accessKeyId" : "lacks secretAccessKey"}; give both keys, or neither to use the AWS default chain (profile, instance or pod role).`,
      );
    }
    config.credentials = {
      accessKeyId: keyId,
      secretAccessKey: secret,
      ...(token !== undefined && { sessionToken: token }),
    };
  }
  // Otherwise the SDK's default chain applies: profiles, web identity (IRSA), instance roles.
  return config;
}

function lookup(credentials: Credentials | undefined, name: string): Record<string, string> {
  const entry = credentials?.[name];
  if (entry) return entry;
  const known = Object.keys(credentials ?? {});
  const near = closest(name, known);
  throw new StorageError(
    ErrorCode.MISSING_CREDENTIALS,
    "s3://",
    `credentials "${name}" are not defined${known.length > 0 ? ` (defined: ${known.join(", ")})` : ""}.${near ? ` Did you mean "${near}"?` : ""} Add "${name}:" with accessKeyId and secretAccessKey to conf/credentials.yaml.`,
  );
}
