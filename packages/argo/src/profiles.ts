import {
  CompileError,
  canonicalJson,
  credentialPodSettings,
  type Issue,
  layerPodSettings,
  mergePodSettings,
  nodeCredentials,
  type Plan,
  type PodSettings,
  podSettingsFor,
  sha256,
  type Task,
} from "@pipewright/core";
import type { ArgoOptions } from "./options.ts";
import { liveNodes } from "./runtime.ts";

/**
 * What makes two tasks' pods differ beyond resources: their pod settings (with the
 * credentials their datasets use) and whether Argo may memoize them. Tasks of one
 * profile and size share a container template; templates are cheap to read and each is
 * checked against Argo's schema, unlike settings hidden in a podSpecPatch string.
 */
export interface Profile {
  /** Canonical text of the profile. */
  key: string;
  /** "" for the profile of a node no override matches; else "-" and a short hash. */
  suffix: string;
  pod: PodSettings;
  memoize: boolean;
}

export interface Profiles {
  /** Core task id -> its profile. */
  of: Map<string, Profile>;
  /** Every profile used, in order of first use. */
  all: Profile[];
  /** Credentials names without a Secret -> the nodes whose datasets use them. */
  unmapped: Map<string, string[]>;
}

function profile(pod: PodSettings, memoize: boolean, baseKey: string): Profile {
  const key = canonicalJson({ memoize, pod });
  return { key, suffix: key === baseKey ? "" : `-${sha256(key).slice(0, 6)}`, pod, memoize };
}

/**
 * The profile of every task: each node's settings (defaults, matching overrides, the
 * Secrets of its credentials), merged for nodes that share a pod. Throws POD_CONFLICT
 * when nodes of one task need settings that cannot both hold.
 */
export function taskProfiles(plan: Plan, tasks: readonly Task[], options: ArgoOptions): Profiles {
  const memoize = Boolean(options.memoize);
  const base = podSettingsFor(
    { id: "", namespace: null, tags: [] },
    {
      ...options.pod,
      overrides: [],
    },
  );
  const baseKey = canonicalJson({ memoize, pod: base });
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const creds = nodeCredentials(plan);
  const live = memoize ? liveNodes(plan) : new Set<string>();
  const unmapped = new Map<string, string[]>();
  const issues: Issue[] = [];
  const known = new Map<string, Profile>();
  const of = new Map<string, Profile>();
  for (const t of tasks) {
    const members = t.nodes.map((id) => {
      const n = byId.get(id)!;
      const own = podSettingsFor(n, options.pod);
      const secrets = credentialPodSettings(creds.get(id) ?? [], options.credentials);
      for (const name of secrets.unmapped) unmapped.set(name, [...(unmapped.get(name) ?? []), id]);
      return { node: id, settings: layerPodSettings(own, secrets.settings) };
    });
    const merged = mergePodSettings(members, t.id);
    issues.push(...merged.issues);
    const p = profile(merged.settings, memoize && !t.nodes.some((n) => live.has(n)), baseKey);
    const shared = known.get(p.key) ?? p;
    known.set(p.key, shared);
    of.set(t.id, shared);
  }
  CompileError.throwIfAny(issues);
  return { of, all: [...known.values()], unmapped };
}
