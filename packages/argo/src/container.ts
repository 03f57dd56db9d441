import type { TaskSettings as Settings } from "@pipewright/core";
import { withPodEnv } from "./env.ts";
import { containerText } from "./escape.ts";
import { podEnv, podFields } from "./pod-spec.ts";
import type { Profile } from "./profiles.ts";
import { type RuntimeParam, runtimeContainerParts } from "./runtime.ts";
import { containerResources } from "./settings.ts";

/** Everything the shared container templates need, resolved from the options. */
export interface ContainerSpec {
  image: string;
  workingDir: string;
  command: string[];
  pipeline: string;
  planHash: string;
  extraArgs: string[];
  /** Built by env.ts, already encoded. */
  env: Record<string, unknown>[];
  defaults: Settings;
  /** Whether some task passes its own retries / pod-spec-patch, so the template takes them as inputs. */
  retriesVary: boolean;
  patched: boolean;
  memoize: { maxAge: string; configMap: string } | undefined;
  backoff: { duration: string; factor: number; maxDuration?: string };
  /** Added to a timeout to make the pod's deadline. */
  startupSeconds: number;
  runtime: readonly RuntimeParam[];
}

export const DISPLAY_NAME = "workflows.argoproj.io/display-name";

/**
 * "run-node" for one node per pod, "run-nodes-3" for three; each size has its own argv.
 * Tasks whose pods differ (a profile: pod settings, memoize) add the profile's suffix.
 */
export function containerTemplateName(size: number, suffix = ""): string {
  return `${size === 1 ? "run-node" : `run-nodes-${size}`}${suffix}`;
}

/** Input parameter names carrying the node ids of a task of `size` nodes. */
export function nodeParams(size: number): string[] {
  return size === 1 ? ["node"] : Array.from({ length: size }, (_, i) => `node-${i + 1}`);
}

const input = (name: string) => `{{inputs.parameters.${name}}}`;

/** The pod's deadline for a node timeout: run-node stops the code; this also covers start-up. */
export function deadline(timeoutSeconds: number | null, startupSeconds: number): number | null {
  return timeoutSeconds === null ? null : timeoutSeconds + startupSeconds;
}

/**
 * The container template every task of `size` nodes and `profile` shares: `<command>
 * run-node --pipeline P --node <id> ... --plan-hash H --run-id {{workflow.uid}} <extraArgs>
 * [--params <runtime param>=...]`. Node ids, and whatever differs from the defaults, are
 * inputs; data never is (it goes through storage). An argv cannot grow with a parameter,
 * which is why each group size has its template.
 */
export function containerTemplate(
  size: number,
  profile: Profile,
  spec: ContainerSpec,
): Record<string, unknown> {
  const nodes = nodeParams(size);
  const memoize = profile.memoize ? spec.memoize : undefined;
  const parameters: Record<string, string>[] = nodes.map((name) => ({ name }));
  if (size > 1) parameters.push({ name: "display-name" });
  if (spec.patched) parameters.push({ name: "pod-spec-patch", default: "{}" });
  if (spec.retriesVary)
    parameters.push({ name: "retries", default: String(spec.defaults.retries) });
  if (memoize) parameters.push({ name: "memo-key" });

  const runtime = runtimeContainerParts(spec.runtime);
  const args = [
    "run-node",
    "--pipeline",
    containerText(spec.pipeline),
    ...nodes.flatMap((n) => ["--node", input(n)]),
    "--plan-hash",
    spec.planHash,
    "--run-id",
    "{{workflow.uid}}",
    ...spec.extraArgs.map(containerText),
    // Last, so that a submitted value wins over anything in extraArgs.
    ...runtime.args,
  ];
  const resources = containerResources(spec.defaults.resources);
  const pod = podFields(profile.pod);
  const env = withPodEnv(spec.env, podEnv(profile.pod), runtime.env);
  const container = {
    name: "main",
    image: spec.image,
    command: spec.command.map(containerText),
    args,
    workingDir: spec.workingDir,
    ...(env.length > 0 && { env }),
    ...pod.container,
    ...(resources && { resources }),
  };
  const retries = spec.retriesVary ? input("retries") : spec.defaults.retries;
  const podDeadline = deadline(spec.defaults.timeoutSeconds, spec.startupSeconds);
  return {
    name: containerTemplateName(size, profile.suffix),
    inputs: { parameters },
    ...(spec.runtime.length > 0 && { metadata: { annotations: runtime.annotations } }),
    annotations: { [DISPLAY_NAME]: input(size === 1 ? "node" : "display-name") },
    ...pod.template,
    ...(memoize && {
      memoize: {
        key: input("memo-key"),
        maxAge: memoize.maxAge,
        cache: { configMap: { name: memoize.configMap } },
      },
    }),
    ...((spec.retriesVary || spec.defaults.retries > 0) && {
      // "Always" also retries errors (evicted or deleted pods), not only failed exits.
      retryStrategy: { limit: retries, retryPolicy: "Always", backoff: spec.backoff },
    }),
    ...(podDeadline !== null && { activeDeadlineSeconds: podDeadline }),
    ...(spec.patched && { podSpecPatch: input("pod-spec-patch") }),
    container,
  };
}
