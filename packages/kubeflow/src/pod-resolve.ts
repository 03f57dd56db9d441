import type { PlanNode } from "@pipewright/core";
import type { PodFields, PodSettings, SecretRef, Toleration, Volume } from "./pod.ts";

/** The pod settings one task ends up with. */
export interface ResolvedPod {
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  imagePullSecrets: string[];
  volumes: Volume[];
  env: Map<string, string | SecretRef>;
}

function apply(into: ResolvedPod, f: PodFields): void {
  Object.assign(into.nodeSelector, f.nodeSelector);
  for (const t of f.tolerations ?? [])
    if (!into.tolerations.some((u) => JSON.stringify(u) === JSON.stringify(t)))
      into.tolerations.push(t);
  for (const s of f.imagePullSecrets ?? [])
    if (!into.imagePullSecrets.includes(s)) into.imagePullSecrets.push(s);
  for (const v of f.volumes ?? []) {
    // A later volume of the same name replaces the earlier one, as a later env value does.
    into.volumes = [...into.volumes.filter((u) => u.name !== v.name), v];
  }
  for (const [name, value] of Object.entries(f.env ?? {})) into.env.set(name, value);
}

/** Whether a node of `namespace` is inside `ns` (itself or nested: "a.b" is inside "a"). */
function inNamespace(namespace: string | null, ns: string): boolean {
  return namespace !== null && (namespace === ns || namespace.startsWith(`${ns}.`));
}

/**
 * The settings of the pod running `nodes`: the base settings, then every override whose tag
 * or namespace matches one of the nodes, in the order given (a pod runs all its nodes, so
 * it needs what each of them needs). Later values win for the same env name, node-selector
 * key or volume name.
 */
export function resolvePod(pod: PodSettings | undefined, nodes: readonly PlanNode[]): ResolvedPod {
  const out: ResolvedPod = {
    nodeSelector: {},
    tolerations: [],
    imagePullSecrets: [],
    volumes: [],
    env: new Map(),
  };
  if (!pod) return out;
  apply(out, pod);
  for (const o of pod.overrides ?? []) {
    const matches = nodes.some(
      (n) =>
        (o.tag !== undefined && n.tags.includes(o.tag)) ||
        (o.namespace !== undefined && inNamespace(n.namespace, o.namespace)),
    );
    if (matches) apply(out, o);
  }
  return out;
}
