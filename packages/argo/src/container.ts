import { containerText } from "./escape.ts";
import { containerResources, type Settings } from "./settings.ts";

/** Everything the shared container template needs, resolved from the options. */
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
}

export const DISPLAY_NAME = "workflows.argoproj.io/display-name";

/** "run-node" for one node per pod, "run-nodes-3" for three; each size has its own argv. */
export function containerTemplateName(size: number): string {
  return size === 1 ? "run-node" : `run-nodes-${size}`;
}

/** Input parameter names carrying the node ids of a task of `size` nodes. */
export function nodeParams(size: number): string[] {
  return size === 1 ? ["node"] : Array.from({ length: size }, (_, i) => `node-${i + 1}`);
}

const input = (name: string) => `{{inputs.parameters.${name}}}`;

/**
 * The container template every task of `size` nodes shares: `<command> run-node --pipeline P
 * --node <id> ... --plan-hash H --run-id {{workflow.uid}} <extraArgs>`. Node ids, and
 * whatever differs from the defaults, are inputs; data never is (it goes through storage).
 * An argv cannot grow with a parameter, which is why each group size has its template.
 */
export function containerTemplate(size: number, spec: ContainerSpec): Record<string, unknown> {
  const nodes = nodeParams(size);
  const parameters: Record<string, string>[] = nodes.map((name) => ({ name }));
  if (size > 1) parameters.push({ name: "display-name" });
  if (spec.patched) parameters.push({ name: "pod-spec-patch", default: "{}" });
  if (spec.retriesVary)
    parameters.push({ name: "retries", default: String(spec.defaults.retries) });
  if (spec.memoize) parameters.push({ name: "memo-key" });

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
  ];
  const resources = containerResources(spec.defaults.resources);
  const container = {
    name: "main",
    image: spec.image,
    command: spec.command.map(containerText),
    args,
    workingDir: spec.workingDir,
    ...(spec.env.length > 0 && { env: spec.env }),
    ...(resources && { resources }),
  };
  const retries = spec.retriesVary ? input("retries") : spec.defaults.retries;
  return {
    name: containerTemplateName(size),
    inputs: { parameters },
    annotations: { [DISPLAY_NAME]: input(size === 1 ? "node" : "display-name") },
    ...(spec.memoize && {
      memoize: {
        key: input("memo-key"),
        maxAge: spec.memoize.maxAge,
        cache: { configMap: { name: spec.memoize.configMap } },
      },
    }),
    ...((spec.retriesVary || spec.defaults.retries > 0) && {
      // "Always" also retries errors (evicted or deleted pods), not only failed exits.
      retryStrategy: {
        limit: retries,
        retryPolicy: "Always",
        backoff: { duration: "10s", factor: 2 },
      },
    }),
    ...(spec.defaults.timeoutSeconds !== null && {
      activeDeadlineSeconds: spec.defaults.timeoutSeconds,
    }),
    ...(spec.patched && { podSpecPatch: input("pod-spec-patch") }),
    container,
  };
}
