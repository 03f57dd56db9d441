import YAML from "yaml";

/**
 * KFP on Kubernetes runs a pipeline as one Argo Workflow holding every component and
 * executor, and Kubernetes keeps an object to about 1 MB (etcd): past that size, say so.
 */
export const LARGE_SPEC_BYTES = 1_000_000;

function document(doc: Record<string, unknown>, comment: readonly string[]): string {
  // Shared objects are written out in full (no anchors and aliases): KFP's parsers differ on them.
  const d = new YAML.Document(doc, { version: "1.1", aliasDuplicateObjects: false });
  if (comment.length > 0) d.commentBefore = comment.map((line) => ` ${line}`).join("\n");
  // "<<" is YAML 1.1's merge key, as a key or a value; the yaml library writes it bare even
  // when asked to quote it, so it gets an explicit string tag: `!!str "<<"`.
  if (JSON.stringify(doc).includes('"<<"'))
    YAML.visit(d, {
      Scalar(_, node) {
        if (node.value !== "<<") return;
        node.type = "QUOTE_DOUBLE";
        node.tag = "tag:yaml.org,2002:str";
      },
    });
  return d.toString({ lineWidth: 0, directives: false });
}

/**
 * The pipeline file: the PipelineSpec and, when there is one, the platform spec as a second
 * document, as the KFP SDK writes them with kfp-kubernetes. Written through the `yaml`
 * library, never by concatenation, so no value can add a key; and as YAML 1.1, which the
 * KFP API server (Go) and the Python SDK (PyYAML) read, so "yes", "on" or "0123" stay strings.
 */
export function toYaml(
  spec: Record<string, unknown>,
  platform: Record<string, unknown> | undefined,
  header: readonly string[],
): string {
  const first = document(spec, header);
  return platform === undefined ? first : `${first}---\n${document(platform, [])}`;
}
