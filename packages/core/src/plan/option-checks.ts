/**
 * Format checks of the option values every adapter that runs nodes in Kubernetes pods (Argo,
 * Airflow's KubernetesPodOperator, Kubeflow) shares: Kubernetes' own formats for names, keys
 * and quantities, and the URIs of a cache store or a server. Each check says why a value is
 * wrong, so a mistake is caught at compile time rather than by the API server or when a pod
 * is created mid-run. Adapters add their engine's own checks beside these.
 */
import { parseQuantity } from "./quantity.ts";

/** A DNS-1123 label: namespaces, volumes, the names adapters generate for objects. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain: secrets, config maps, service accounts. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Environment variable names accepted by every supported Kubernetes version. */
export const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** A key of a Secret or ConfigMap. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** Label and annotation key names, and label values. */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const QUANTITY_HINT =
  'is not a Kubernetes quantity (e.g. "500m" or "2" for cpu, "512Mi" or "4Gi" for memory)';

/** A format check of an option's value: why the value is wrong, or undefined. */
export type Check = (value: string) => string | undefined;

export const quantity: Check = (v) => (parseQuantity(v) !== undefined ? undefined : QUANTITY_HINT);

/** A DNS-1123 label; `why` says what the name is used for, when the message should. */
export const dnsLabel =
  (why = ""): Check =>
  (v) =>
    v.length <= 63 && DNS_LABEL.test(v)
      ? undefined
      : `is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)${why}`;

export const dnsSubdomain: Check = (v) =>
  v.length <= 253 && DNS_SUBDOMAIN.test(v)
    ? undefined
    : "is not a Kubernetes object name (lowercase letters, digits, '-' and '.', at most 253 characters)";

export const secretKey: Check = (v) =>
  v.length <= 253 && SECRET_KEY.test(v)
    ? undefined
    : "is not a secret key (letters, digits, '-', '_' and '.')";

/**
 * A label (or annotation) key: an optional DNS subdomain prefix and "/", then a name of at
 * most 63 characters. `noun` names it in the message ("label key", "valid key").
 */
export const qualifiedKey =
  (noun: string): Check =>
  (v) => {
    const slash = v.lastIndexOf("/");
    const prefix = slash === -1 ? undefined : v.slice(0, slash);
    const name = slash === -1 ? v : v.slice(slash + 1);
    if (prefix !== undefined && dnsSubdomain(prefix))
      return `has a prefix "${prefix}" that is not a DNS subdomain`;
    if (name.length > 63 || !QUALIFIED_NAME.test(name))
      return `is not a ${noun} (a name of at most 63 letters, digits, '-', '_' or '.', optionally after a DNS prefix and '/')`;
    return undefined;
  };

export const labelValue: Check = (v) =>
  v === "" || (v.length <= 63 && QUALIFIED_NAME.test(v))
    ? undefined
    : "is not a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";

export const s3Uri: Check = (v) =>
  /^s3:\/\/[^/\s]+/.test(v)
    ? undefined
    : "is not an s3:// URI: pods share the cache only through object storage (e.g. s3://bucket/cache)";

export const httpUrl: Check = (v) =>
  /^https?:\/\/\S+$/.test(v) ? undefined : "is not an http:// or https:// URL";
