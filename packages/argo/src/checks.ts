/**
 * Format checks for option values, each returning why a value is wrong or undefined.
 * The rules are Kubernetes' and Argo's own, so a mistake is caught at compile time rather
 * than by the API server or, worse, when a pod is created mid-run.
 */
import { optionChecks as shared } from "@pipewright/core";

/**
 * A Go duration as time.ParseDuration reads it (Argo's memoize maxAge). The µ is written
 * \u00b5 so that the CLI's start-up image is all ASCII, which it reads without decoding
 * UTF-8 (esbuild escapes non-ASCII text everywhere but in regular expressions).
 */
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|\u00b5s|ms|s|m|h))+$/;
const CRON_FIELD = /^[0-9A-Za-z*,/?#-]+$/;
const CRON_DESCRIPTOR = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

export type Check = shared.Check;
export const { quantity, dnsSubdomain, secretKey, labelValue, s3Uri, httpUrl } = shared;
export const dnsLabel = shared.dnsLabel();
/** A label or annotation key. */
export const metadataKey = shared.qualifiedKey("valid key");

export const goDuration: Check = (v) =>
  GO_DURATION.test(v)
    ? undefined
    : 'is not a Go duration such as "90s", "12h" or "1h30m" (Argo has no "d" unit: use "24h")';

export const envName: Check = (v) =>
  shared.ENV_NAME.test(v)
    ? undefined
    : "is not an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit)";

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

/** Argo evaluates `{{...}}` in most fields and has no escape for it. */
export const noTemplateTag: Check = (v) =>
  v.includes("{{")
    ? 'contains "{{", which Argo would read as a template tag (Argo has no escape for it); remove it'
    : undefined;
