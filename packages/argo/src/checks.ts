/**
 * Format checks for option values, each returning why a value is wrong or undefined.
 * The rules are Kubernetes' and Argo's own, so a mistake is caught at compile time rather
 * than by the API server or, worse, when a pod is created mid-run.
 */
import { parseQuantity } from "@pipewright/core";
import { DNS_LABEL, DNS_SUBDOMAIN } from "./names.ts";

/** A Go duration as time.ParseDuration reads it (Argo's memoize maxAge). */
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
/** Label and annotation key names, and label values. */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Environment variable names accepted by every supported Kubernetes version. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CRON_FIELD = /^[0-9A-Za-z*,/?#-]+$/;
const CRON_DESCRIPTOR = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

export type Check = (value: string) => string | undefined;

export const quantity: Check = (v) =>
  parseQuantity(v) !== undefined
    ? undefined
    : 'is not a Kubernetes quantity (e.g. "500m" or "2" for cpu, "512Mi" or "4Gi" for memory)';

export const goDuration: Check = (v) =>
  GO_DURATION.test(v)
    ? undefined
    : 'is not a Go duration such as "90s", "12h" or "1h30m" (Argo has no "d" unit: use "24h")';

export const dnsLabel: Check = (v) =>
  v.length <= 63 && DNS_LABEL.test(v)
    ? undefined
    : "is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)";

export const dnsSubdomain: Check = (v) =>
  v.length <= 253 && DNS_SUBDOMAIN.test(v)
    ? undefined
    : "is not a Kubernetes object name (lowercase letters, digits, '-' and '.', at most 253 characters)";

export const envName: Check = (v) =>
  ENV_NAME.test(v)
    ? undefined
    : "is not an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit)";

export const secretKey: Check = (v) =>
  v.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(v)
    ? undefined
    : "is not a secret key (letters, digits, '-', '_' and '.')";

/** A label or annotation key: an optional DNS subdomain prefix and "/", then a name of at most 63 characters. */
export const metadataKey: Check = (v) => {
  const slash = v.lastIndexOf("/");
  const prefix = slash === -1 ? undefined : v.slice(0, slash);
  const name = slash === -1 ? v : v.slice(slash + 1);
  if (prefix !== undefined && dnsSubdomain(prefix))
    return `has a prefix "${prefix}" that is not a DNS subdomain`;
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "is not a valid key (a name of at most 63 letters, digits, '-', '_' or '.', optionally after a DNS prefix and '/')";
  }
  return undefined;
};

export const labelValue: Check = (v) =>
  v === "" || (v.length <= 63 && QUALIFIED_NAME.test(v))
    ? undefined
    : "is not a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";

/** A schedule as Argo's cron parser (robfig/cron, standard) reads it: five fields or a descriptor. */
export const cronSchedule: Check = (v) => {
  const text = v.trim().replace(/^(CRON_TZ|TZ)=\S+\s+/, "");
  if (CRON_DESCRIPTOR.test(text) || /^@every \S+$/.test(text)) return undefined;
  const fields = text.split(/\s+/);
  if (fields.length === 5 && fields.every((f) => CRON_FIELD.test(f))) return undefined;
  return 'is not a cron schedule: use five fields "minute hour day-of-month month day-of-week" (e.g. "0 3 * * *") or @daily, @hourly, @every 6h';
};

export const timezone: Check = (v) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: v });
    return undefined;
  } catch {
    return 'is not an IANA time zone (e.g. "Europe/Paris", "UTC")';
  }
};

export const s3Uri: Check = (v) =>
  /^s3:\/\/[^/\s]+/.test(v)
    ? undefined
    : "is not an s3:// URI: pods share the cache only through object storage (e.g. s3://bucket/cache)";

export const httpUrl: Check = (v) =>
  /^https?:\/\/\S+$/.test(v) ? undefined : "is not an http:// or https:// URL";

/** Argo evaluates `{{...}}` in most fields and has no escape for it. */
export const noTemplateTag: Check = (v) =>
  v.includes("{{")
    ? 'contains "{{", which Argo would read as a template tag (Argo has no escape for it); remove it'
    : undefined;
