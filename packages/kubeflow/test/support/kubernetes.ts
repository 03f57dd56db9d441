import { kubeletExpand } from "../../../../test/engine/kubelet.ts";

/** Kubernetes' $(VAR) expansion (see test/engine/kubelet.ts), over a record of variables. */
export function k8sExpand(text: string, env: Record<string, string>): string {
  return kubeletExpand(text, new Map(Object.entries(env)));
}

/** A container's env after the kubelet: each value expanded with the variables defined before it. */
export function expandedEnv(env: { name: string; value: string }[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) out[e.name] = k8sExpand(e.value, out);
  return out;
}
