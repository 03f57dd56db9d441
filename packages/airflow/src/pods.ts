import {
  CompileError,
  ErrorCode,
  type Issue,
  layerPodSettings,
  mergePodSettings,
  type Plan,
  type PodSettings,
  podCredentials,
  podSettingsFor,
  podSettingsKey,
  type Task,
} from "@pipewright/core";
import type { ResolvedOptions } from "./options.ts";

// Airflow's Secret upper-cases env targets (see environment.ts).
const SECRET_ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The pod settings of each task, shared as rows of one table in the DAG file. */
export interface PodProfiles {
  /** Distinct settings, in order of first use; the first is `{}`. */
  profiles: PodSettings[];
  /** Core task id -> index in `profiles`. */
  indexOf: Map<string, number>;
  /** Credentials names without a Secret -> nodes whose datasets use them. */
  unmapped: Map<string, string[]>;
}

/**
 * Each task's pod settings (KubernetesPodOperator only): the defaults and matching
 * overrides of `pod`, plus every mapped credentials Secret (run-node loads the whole
 * catalog, which checks every credentials name it mentions), merged for
 * nodes that share a pod (POD_CONFLICT when they cannot be). A variable a profile sets
 * that the DAG sets already is an error, as is a secret variable Airflow would rename.
 */
export function podProfiles(plan: Plan, tasks: readonly Task[], o: ResolvedOptions): PodProfiles {
  const profiles: PodSettings[] = [{}];
  const keys = new Map([[podSettingsKey({}), 0]]);
  const indexOf = new Map<string, number>();
  if (o.operator !== "kubernetes") return { profiles, indexOf, unmapped: new Map() };
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const credentials = podCredentials(plan, o.credentials);
  const issues: Issue[] = [];
  for (const t of tasks) {
    const members = t.nodes.map((id) => ({
      node: id,
      settings: layerPodSettings(podSettingsFor(byId.get(id)!, o.pod), credentials.secrets),
    }));
    const merged = mergePodSettings(members, t.id);
    issues.push(...merged.issues);
    const key = podSettingsKey(merged.settings);
    let index = keys.get(key);
    if (index === undefined) {
      index = profiles.push(merged.settings) - 1;
      keys.set(key, index);
      issues.push(...envIssues(merged.settings, o));
    }
    indexOf.set(t.id, index);
  }
  CompileError.throwIfAny(issues);
  return { profiles, indexOf, unmapped: credentials.unmapped };
}

function envIssues(pod: PodSettings, o: ResolvedOptions): Issue[] {
  const taken = new Set([...o.env.map(([n]) => n), ...o.secrets.map(([n]) => n)]);
  const issues: Issue[] = [];
  const bad = (name: string, why: string) =>
    issues.push({
      code: ErrorCode.ADAPTER_OPTION,
      message: `airflow option pod: variable ${JSON.stringify(name)} ${why}`,
      path: ["airflow", "pod", name],
    });
  for (const name of Object.keys(pod.env ?? {})) {
    if (!ENV_NAME.test(name))
      bad(name, 'is not an environment variable name (letters, digits and "_")');
    else if (taken.has(name)) bad(name, "is also set by env, secretEnv or storage: set it once");
  }
  for (const name of Object.keys(pod.secretEnv ?? {})) {
    if (!SECRET_ENV_NAME.test(name))
      bad(name, "must be upper case: Airflow upper-cases secret variables");
    else if (taken.has(name) || pod.env?.[name] !== undefined)
      bad(name, "is also set by env, secretEnv or storage: set it once");
  }
  return issues;
}
