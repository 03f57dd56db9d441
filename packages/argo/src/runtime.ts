import { type Plan, sha256 } from "@pipewright/core";
import YAML from "yaml";
import { containerText } from "./escape.ts";

/**
 * A runtime param as the workflow carries it. Argo parameter names allow only letters,
 * digits, "-" and "_", so `model.alpha` becomes the workflow parameter `model-alpha`
 * (`argo submit -p model-alpha=0.2`).
 *
 * The value must reach run-node exactly as submitted, but Kubernetes expands `$(VAR)` and
 * `$$` in args and env values. So it travels where nothing is expanded: Argo writes it
 * into a pod annotation, the downward API turns the annotation into an env variable
 * (values from fieldRef are not expanded), and the argv refers to that variable, which
 * the kubelet substitutes once.
 */
export interface RuntimeParam {
  id: string;
  /** The workflow parameter's name. */
  name: string;
  /** The pod annotation holding the value. */
  annotation: string;
  /** The env variable run-node's argv refers to. */
  env: string;
  /** The compiled value, as text that `--params` reads back to it. */
  value: string;
}

const ANNOTATION_PREFIX = "pipewright.dev/";
const QUALIFIED = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Text that `--params id=TEXT` (read as YAML) turns back into `value`. */
export function paramText(value: unknown): string {
  if (typeof value === "string") {
    try {
      if (YAML.parse(value) === value) return value;
    } catch {
      // Not YAML on its own (e.g. "a: b: c"): quote it.
    }
  }
  return JSON.stringify(value ?? null);
}

/** The plan's runtime params, in id order, with unique Argo names. */
export function runtimeParams(plan: Plan): RuntimeParam[] {
  const runtime = plan.params.filter((p) => p.runtime);
  const base = (id: string) => id.replace(/[^-a-zA-Z0-9_]/g, "-");
  const count = new Map<string, number>();
  for (const p of runtime) count.set(base(p.id), (count.get(base(p.id)) ?? 0) + 1);
  return runtime.map((p, i) => {
    const plain = base(p.id);
    const name = count.get(plain) === 1 ? plain : `${plain}-${sha256(p.id).slice(0, 6)}`;
    const key = `param.${name}`;
    return {
      id: p.id,
      name,
      annotation: `${ANNOTATION_PREFIX}${key.length <= 63 && QUALIFIED.test(key) ? key : `param.${sha256(p.id).slice(0, 16)}`}`,
      env: `PIPEWRIGHT_PARAM_${i + 1}`,
      value: paramText(p.value),
    };
  });
}

/** `spec.arguments` of the workflow: one parameter per runtime param, its compiled value the default. */
export function workflowArguments(params: readonly RuntimeParam[]): Record<string, unknown> {
  return {
    parameters: params.map((p) => ({
      name: p.name,
      value: p.value,
      description: `pipewright runtime param ${p.id}, validated by its schema in every task`,
    })),
  };
}

/** What the container template adds: pod annotations, env from them, and run-node arguments. */
export function runtimeContainerParts(params: readonly RuntimeParam[]): {
  annotations: Record<string, string>;
  env: Record<string, unknown>[];
  args: string[];
} {
  return {
    annotations: Object.fromEntries(
      params.map((p) => [p.annotation, `{{workflow.parameters.${p.name}}}`]),
    ),
    env: params.map((p) => ({
      name: p.env,
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${p.annotation}']` } },
    })),
    args: params.flatMap((p) => ["--params", `${containerText(`${p.id}=`)}$(${p.env})`]),
  };
}

/**
 * Node ids whose result depends on a runtime param: they read one, or read data from a
 * node that does. Argo's memoize cannot see submitted values, so their tasks are not
 * memoized (run-node's own cache check, which sees the value, still applies).
 */
export function liveNodes(plan: Plan): Set<string> {
  const runtime = new Set(plan.params.filter((p) => p.runtime).map((p) => p.id));
  const live = new Set<string>();
  if (runtime.size === 0) return live;
  const producer = new Map(plan.datasets.map((d) => [d.id, d.producer]));
  for (const n of plan.nodes) {
    const reads = Object.values(n.params).some((p) => runtime.has(p));
    const upstream = Object.values(n.inputs).some((d) => {
      const p = producer.get(d);
      return p != null && live.has(p);
    });
    if (reads || upstream) live.add(n.id);
  }
  return live;
}
