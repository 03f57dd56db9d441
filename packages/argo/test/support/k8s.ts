import { kubeletExpand } from "../../../../test/engine/kubelet.ts";

/** Kubernetes' $(VAR) expansion (see test/engine/kubelet.ts), over a record of variables. */
export function k8sExpand(text: string, env: Record<string, string>): string {
  return kubeletExpand(text, new Map(Object.entries(env)));
}

/** The env of a container as a record of plain values (secret references left out). */
export function plainEnv(container: {
  env?: { name: string; value?: string }[];
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? [])
    if (e.value !== undefined) env[e.name] = k8sExpand(e.value, env);
  return env;
}
