import { type PlanNode, podMatches } from "@pipewright/core";
import type { PodConfig, PodSettings, SecretRef, Toleration, Volume } from "./pod.ts";

/** The pod settings one task ends up with. */
export interface ResolvedPod {
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  imagePullSecrets: string[];
  volumes: Volume[];
  /** Plain values and secret references, by variable name. */
  env: Map<string, string | SecretRef>;
}

function apply(into: ResolvedPod, f: PodSettings): void {
  Object.assign(into.nodeSelector, f.nodeSelector);
  for (const t of f.tolerations ?? [])
    if (!into.tolerations.some((u) => JSON.stringify(u) === JSON.stringify(t)))
      into.tolerations.push(t);
  for (const s of f.imagePullSecrets ?? [])
    if (!into.imagePullSecrets.includes(s)) into.imagePullSecrets.push(s);
  // A later volume of the same name replaces the earlier one, as a later env value does.
  for (const v of f.volumes ?? [])
    into.volumes = [...into.volumes.filter((u) => u.name !== v.name), v];
  for (const [name, value] of Object.entries(f.env ?? {})) into.env.set(name, value);
  for (const [name, value] of Object.entries(f.secretEnv ?? {})) into.env.set(name, value);
}

/**
 * The settings of the pod running `nodes`: the defaults, then every override that matches
 * one of the nodes, in the order given (a pod runs all its nodes, so it needs what each of
 * them needs). Later values win for the same variable, node-selector key or volume name.
 */
export function resolvePod(pod: PodConfig | undefined, nodes: readonly PlanNode[]): ResolvedPod {
  const out: ResolvedPod = {
    nodeSelector: {},
    tolerations: [],
    imagePullSecrets: [],
    volumes: [],
    env: new Map(),
  };
  if (!pod) return out;
  apply(out, pod);
  for (const o of pod.overrides ?? []) if (nodes.some((n) => podMatches(o.match, n))) apply(out, o);
  return out;
}
