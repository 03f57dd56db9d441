import { ErrorCode, PipewrightError } from "@pipewright/core";
import YAML from "yaml";

/** What Kubernetes stores for one object: etcd's request limit, as Argo's docs put it (~1 MB). */
export const MAX_OBJECT_BYTES = 1_000_000;

const FIX =
  'Run several nodes per pod with the group option (group: { by: "namespace" }, "tag" or "memory"; --group on the CLI), or compile parts of the pipeline separately.';

/** Throws MANIFEST_TOO_LARGE, suggesting grouping, when the object would not fit in etcd. */
export function checkSize(json: string, what: string): void {
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_OBJECT_BYTES) return;
  throw new PipewrightError(
    ErrorCode.MANIFEST_TOO_LARGE,
    `${what} is ${(bytes / 1e6).toFixed(2)} MB as JSON, over the ~1 MB Kubernetes (etcd) accepts for one object. ${FIX}`,
  );
}

/** Throws MANIFEST_TOO_LARGE when the templates exceed Argo's cap of `max`. */
export function checkTemplateCount(count: number, max: number, what: string): void {
  if (count <= max) return;
  throw new PipewrightError(
    ErrorCode.MANIFEST_TOO_LARGE,
    `${what} needs ${count} templates, over Argo's limit of ${max}. ${FIX}`,
  );
}

/**
 * YAML text through the `yaml` library, never by concatenation, so no value can add a key.
 * Written as YAML 1.1 because kubectl and argo read YAML 1.1 (go-yaml): strings such as
 * "yes", "on" or "0123" are quoted instead of turning into booleans and numbers there.
 */
export function toYaml(
  doc: Record<string, unknown>,
  json: string,
  header: readonly string[],
): string {
  // Shared objects (labels, env) are written out in full: no anchors and aliases.
  const document = new YAML.Document(doc, { version: "1.1", aliasDuplicateObjects: false });
  document.commentBefore = header.map((line) => ` ${line}`).join("\n");
  // "<<" is YAML 1.1's merge key: quote it wherever a user string makes it a value.
  if (json.includes('"<<"')) {
    YAML.visit(document, {
      Scalar(_, node) {
        if (node.value === "<<") node.type = "QUOTE_DOUBLE";
      },
    });
  }
  return document.toString({ lineWidth: 0, directives: false });
}
