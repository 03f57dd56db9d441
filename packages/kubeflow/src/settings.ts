import type { Resources } from "@pipewright/core";

/**
 * The container's `resources` (PipelineContainerSpec.ResourceSpec, the string fields that
 * current KFP SDKs write). On Kubeflow: cpu and memory requested, memory also as the limit
 * (so a pod is not OOM-killed below what it asked for), no cpu limit (throttling hurts more
 * than it protects). Vertex AI sizes its machines from limits, so there both are limits.
 */
export function containerResources(
  r: Resources,
  vertex: boolean,
  accelerator: string,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (r.cpu !== undefined) out[vertex ? "resourceCpuLimit" : "resourceCpuRequest"] = String(r.cpu);
  if (r.memory !== undefined) {
    if (!vertex) out.resourceMemoryRequest = r.memory;
    out.resourceMemoryLimit = r.memory;
  }
  if (r.gpu) out.accelerator = { resourceType: accelerator, resourceCount: String(r.gpu) };
  return Object.keys(out).length > 0 ? out : undefined;
}
