/**
 * Format checks for option values, each returning why a value is wrong or undefined. The
 * rules are Kubernetes', KFP's and Vertex AI's own, so a mistake is caught at compile time
 * rather than when the pipeline is uploaded or, worse, when a pod is created mid-run.
 */
import { parseQuantity } from "@pipewright/core";
import { argProblem } from "./escape.ts";

export type Check = (value: string) => string | undefined;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const quantity: Check = (v) =>
  parseQuantity(v) !== undefined
    ? undefined
    : 'is not a Kubernetes quantity (e.g. "500m" or "2" for cpu, "512Mi" or "4Gi" for memory)';

export const dnsLabel: Check = (v) =>
  v.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v)
    ? undefined
    : "is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters): Kubernetes names the volume with it";

export const dnsSubdomain: Check = (v) =>
  v.length <= 253 && DNS_SUBDOMAIN.test(v)
    ? undefined
    : "is not a Kubernetes object name (lowercase letters, digits, '-' and '.', at most 253 characters)";

/** KFP's EnvVar: "must be a valid C identifier" (Vertex AI says the same). */
export const envName: Check = (v) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)
    ? undefined
    : "is not an environment variable name KFP accepts (letters, digits and '_', not starting with a digit)";

export const secretKey: Check = (v) =>
  v.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(v)
    ? undefined
    : "is not a secret key (letters, digits, '-', '_' and '.')";

/** A label key: an optional DNS subdomain prefix and "/", then a name of at most 63 characters. */
export const labelKey: Check = (v) => {
  const slash = v.lastIndexOf("/");
  const prefix = slash === -1 ? undefined : v.slice(0, slash);
  const name = slash === -1 ? v : v.slice(slash + 1);
  if (prefix !== undefined && dnsSubdomain(prefix))
    return `has a prefix "${prefix}" that is not a DNS subdomain`;
  if (name.length > 63 || !QUALIFIED_NAME.test(name))
    return "is not a label key (a name of at most 63 letters, digits, '-', '_' or '.', optionally after a DNS prefix and '/')";
  return undefined;
};

export const labelValue: Check = (v) =>
  v === "" || (v.length <= 63 && QUALIFIED_NAME.test(v))
    ? undefined
    : "is not a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";

export const absolutePath: Check = (v) =>
  !v.startsWith("/")
    ? "is not an absolute path"
    : v.includes("{{")
      ? 'contains "{{", which Argo (under KFP) would read as a template tag'
      : undefined;

export const s3Uri: Check = (v) =>
  /^s3:\/\/[^/\s]+/.test(v)
    ? undefined
    : "is not an s3:// URI: pods share the cache only through object storage (e.g. s3://bucket/cache)";

export const httpUrl: Check = (v) =>
  /^https?:\/\/\S+$/.test(v) ? undefined : "is not an http:// or https:// URL";

export const pipelineRoot: Check = (v) =>
  /^(gs|s3|minio):\/\/[^/\s]+/.test(v) && !v.includes("{{")
    ? undefined
    : "is not a pipeline root KFP can use (gs://, s3:// or minio:// URI)";

/** An image reference: no white space, and nothing KFP or Argo would substitute. */
export const image: Check = (v) =>
  /\s/.test(v) ? "contains white space" : v.includes("$") ? 'contains "$"' : argProblem(v);

/** A string that becomes (part of) a command-line argument. */
export const arg: Check = argProblem;
