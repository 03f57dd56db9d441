import { ErrorCode } from "../errors/codes.ts";
import type { Issue } from "../errors/errors.ts";
import { canonicalJson } from "../util/canonical.ts";
import { optionIssues } from "./option-issues.ts";
import { type PodConfig, PodConfigSchema, type PodMatch, type PodSettings } from "./pod.ts";

/** What an override is matched against: a plan node's id, namespace and tags. */
export interface PodTarget {
  id: string;
  namespace: string | null;
  tags: readonly string[];
}

type Records =
  | "nodeSelector"
  | "env"
  | "secretEnv"
  | "securityContext"
  | "containerSecurityContext";
type Lists = "tolerations" | "imagePullSecrets" | "envFrom";
const RECORDS: readonly Records[] = [
  "nodeSelector",
  "env",
  "secretEnv",
  "securityContext",
  "containerSecurityContext",
];
const LISTS: readonly Lists[] = ["tolerations", "imagePullSecrets", "envFrom"];

/**
 * Every problem of a pod config, each with its path under `prefix` (e.g. ["argo", "pod"]),
 * so a target's options are reported together.
 */
export function podConfigIssues(value: unknown, prefix: readonly string[]): Issue[] {
  return optionIssues(PodConfigSchema, value, prefix);
}

/** Whether an override applies to a node: all of its criteria hold. */
export function podMatches(match: PodMatch, node: PodTarget): boolean {
  if (match.nodes && !match.nodes.includes(node.id)) return false;
  if (match.tags && !match.tags.some((t) => node.tags.includes(t))) return false;
  if (match.namespace !== undefined) {
    const ns = node.namespace ?? "";
    if (ns !== match.namespace && !ns.startsWith(`${match.namespace}.`)) return false;
  }
  return true;
}

function unique<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = canonicalJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * `over` laid on `base`: names and affinity are replaced, maps merged key by key, lists
 * appended (without repeats), and a volume replaces the base's volume of the same name.
 */
export function layerPodSettings(base: PodSettings, over: PodSettings): PodSettings {
  const out: PodSettings = { ...base };
  if (over.serviceAccountName !== undefined) out.serviceAccountName = over.serviceAccountName;
  if (over.affinity !== undefined) out.affinity = over.affinity;
  for (const key of RECORDS) {
    if (over[key] !== undefined) Object.assign(out, { [key]: { ...base[key], ...over[key] } });
  }
  for (const key of LISTS) {
    if (over[key] !== undefined)
      Object.assign(out, { [key]: unique([...(base[key] ?? []), ...over[key]!]) });
  }
  if (over.volumes !== undefined) {
    const byName = new Map((base.volumes ?? []).map((v) => [v.name, v]));
    for (const v of over.volumes) byName.set(v.name, v);
    out.volumes = [...byName.values()];
  }
  return tidy(out);
}

/** Drops empty maps and lists, so two equal settings always have the same canonical JSON. */
function tidy(s: PodSettings): PodSettings {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(s)) {
    if (value === undefined) continue;
    if (
      Array.isArray(value)
        ? value.length === 0
        : typeof value === "object" && !Object.keys(value).length
    )
      continue;
    out[key] = value;
  }
  return out as PodSettings;
}

/**
 * The pod settings of one node: the config's defaults, then each override that matches
 * the node, in order (later ones win).
 *
 * @example
 * podSettingsFor({ id: "train", namespace: null, tags: ["gpu"] }, pod).nodeSelector
 */
export function podSettingsFor(node: PodTarget, config: PodConfig | undefined): PodSettings {
  if (config === undefined) return {};
  const { overrides = [], ...defaults } = config;
  let out = tidy(defaults);
  for (const { match, ...settings } of overrides) {
    if (podMatches(match, node)) out = layerPodSettings(out, settings);
  }
  return out;
}

/** Canonical text of settings: equal settings, equal keys (adapters share a pod template by it). */
export function podSettingsKey(settings: PodSettings): string {
  return canonicalJson(settings);
}

/**
 * The settings of a pod that runs several nodes one after the other: lists and maps are
 * united; a value that two nodes set differently (service account, a node selector key,
 * a security setting, affinity, a volume of the same name or mount path) cannot be both,
 * so it is a POD_CONFLICT issue naming the nodes and the field.
 */
export function mergePodSettings(
  members: readonly { node: string; settings: PodSettings }[],
  task: string,
): { settings: PodSettings; issues: Issue[] } {
  const first = members[0];
  if (!first) return { settings: {}, issues: [] };
  const key = podSettingsKey(first.settings);
  if (members.every((m) => podSettingsKey(m.settings) === key))
    return { settings: first.settings, issues: [] };
  const issues: Issue[] = [];
  const owner = new Map<string, { node: string; value: string }>();
  const claim = (field: string, value: unknown, node: string): void => {
    const text = canonicalJson(value);
    const had = owner.get(field);
    if (had === undefined) owner.set(field, { node, value: text });
    else if (had.value !== text) {
      issues.push({
        code: ErrorCode.POD_CONFLICT,
        message: `task "${task}" runs nodes "${had.node}" and "${node}" in one pod, but their pod settings disagree on ${field} (${had.value} vs ${text}). Give them the same value, or group them into different tasks.`,
        path: ["pod", task, field],
        nodes: [had.node, node],
      });
    }
  };
  let merged: PodSettings = {};
  for (const { node, settings } of members) {
    if (settings.serviceAccountName !== undefined)
      claim("serviceAccountName", settings.serviceAccountName, node);
    if (settings.affinity !== undefined) claim("affinity", settings.affinity, node);
    for (const field of RECORDS) {
      for (const [k, v] of Object.entries(settings[field] ?? {})) claim(`${field}.${k}`, v, node);
    }
    for (const v of settings.volumes ?? []) {
      claim(`volumes.${v.name}`, v, node);
      claim(`mountPath ${v.mountPath}`, v.name, node);
    }
    merged = layerPodSettings(merged, settings);
  }
  return { settings: merged, issues };
}
