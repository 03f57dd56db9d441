/**
 * Format checks for option values, each returning why a value is wrong or undefined. The
 * rules are Kubernetes', KFP's and Vertex AI's own, so a mistake is caught at compile time
 * rather than when the pipeline is uploaded or, worse, when a pod is created mid-run.
 */
import { optionChecks as shared } from "@pipewright/core";
import { argProblem } from "./escape.ts";

export type Check = shared.Check;
export const { quantity, dnsSubdomain, secretKey, labelValue, s3Uri, httpUrl } = shared;
export const dnsLabel = shared.dnsLabel(": Kubernetes names the volume with it");
/** A label key. */
export const labelKey = shared.qualifiedKey("label key");

/** KFP's EnvVar: "must be a valid C identifier" (Vertex AI says the same). */
export const envName: Check = (v) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)
    ? undefined
    : "is not an environment variable name KFP accepts (letters, digits and '_', not starting with a digit)";

export const absolutePath: Check = (v) =>
  !v.startsWith("/")
    ? "is not an absolute path"
    : v.includes("{{")
      ? 'contains "{{", which Argo (under KFP) would read as a template tag'
      : undefined;

export const pipelineRoot: Check = (v) =>
  /^(gs|s3|minio):\/\/[^/\s]+/.test(v) && !v.includes("{{")
    ? undefined
    : "is not a pipeline root KFP can use (gs://, s3:// or minio:// URI)";

/** An image reference: no white space, and nothing KFP or Argo would substitute. */
export const image: Check = (v) =>
  /\s/.test(v) ? "contains white space" : v.includes("$") ? 'contains "$"' : argProblem(v);

/** A string that becomes (part of) a command-line argument. */
export const arg: Check = argProblem;
