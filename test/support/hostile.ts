import type { Plan } from "@pipewright/core";

/**
 * Strings that have broken YAML emitters, Argo manifests and KFP pipeline files before: quotes, newlines,
 * YAML indicators, YAML 1.1 booleans and numbers, Argo template tags and expressions,
 * Kubernetes $(VAR) references, unicode (with a right-to-left override) and 300 characters.
 */
export const HOSTILE = [
  `it's "quoted"`,
  "line one\nkey: injected",
  "- not a list",
  "# not a comment",
  "yes",
  "0123",
  "1:20",
  "<<",
  "{{workflow.name}}",
  '{{=sprig.env("AWS_SECRET_ACCESS_KEY")}}',
  "{{{inputs.parameters.node}}}",
  "$(AWS_SECRET_ACCESS_KEY) and $$ and trailing $",
  "ünïcødé-名前-\u202eevil",
  "x".repeat(300),
  "",
];

/** The plan with every node id replaced by `rename(id)`, everywhere ids appear. */
export function renameNodes(plan: Plan, rename: (id: string, index: number) => string): Plan {
  const copy = structuredClone(plan);
  const names = new Map(copy.order.map((id, i) => [id, rename(id, i)]));
  const to = (id: string) => names.get(id)!;
  for (const n of copy.nodes) n.id = to(n.id);
  copy.order = copy.order.map(to);
  for (const d of copy.datasets) {
    if (d.producer !== null) d.producer = to(d.producer);
    d.consumers = d.consumers.map(to);
  }
  for (const p of copy.params) p.consumers = p.consumers.map(to);
  return copy;
}
