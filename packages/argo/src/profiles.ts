import {
  CompileError,
  canonicalJson,
  type Issue,
  layerPodSettings,
  mergePodSettings,
  type Plan,
  type PodSettings,
  podCredentials,
  podSettingsFor,
  sha256,
  type Task,
} from "@pipewright/core";
import type { ArgoOptions } from "./options.ts";
import { liveNodes } from "./runtime.ts";

/**
 * What makes two tasks' pods differ beyond resources: their pod settings and whether
 * Argo may memoize them. Every pod gets every mapped credentials Secret: run-node loads
 * the whole catalog, which checks each credentials name it mentions. Tasks of one
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
 * credentials Secrets), merged for nodes that share a pod. Throws POD_CONFLICT
 * when nodes of one task need settings that cannot both hold.
 */
export function taskProfiles(plan: Plan, tasks: readonly Task[], options: ArgoOptions): Profiles {
  const memoize = Boolean(options.memoize);
  const { secrets, unmapped } = podCredentials(plan, options.credentials);
  const base = layerPodSettings(
    podSettingsFor({ id: "", namespace: null, tags: [] }, { ...options.pod, overrides: [] }),
    secrets,
  );
  const baseKey = canonicalJson({ memoize, pod: base });
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const live = memoize ? liveNodes(plan) : new Set<string>();
  const issues: Issue[] = [];
  const known = new Map<string, Profile>();
  const of = new Map<string, Profile>();
  for (const t of tasks) {
    const members = t.nodes.map((id) => ({
      node: id,
      settings: layerPodSettings(podSettingsFor(byId.get(id)!, options.pod), secrets),
    }));
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
