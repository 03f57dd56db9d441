import { sha256 } from "@pipewright/core";

/**
 * KFP's rule for DAG task names (what the backend and the validator accept): lowercase
 * letters, digits and "-", starting and ending with a letter or digit.
 */
export const TASK_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Input parameter names: what the KFP SDK writes (Python identifiers), lowercase. */
export const PARAM_NAME = /^[a-z_][a-z0-9_]*$/;
/** Longest task name: it ends up in pod names and labels, which Kubernetes caps at 63. */
export const MAX_TASK_NAME = 63;
/** Vertex AI's rule for pipeline names (KFP accepts it too). */
export const MAX_PIPELINE_NAME = 128;

const HASH_LENGTH = 6;

/** The way a name style turns text into its characters. */
interface Style {
  /** Runs of characters outside the style become one separator. */
  invalid: RegExp;
  separator: string;
  /** Prefix for names that would start with a digit. */
  digitPrefix: string;
  fallback: string;
}

const DASHED: Style = {
  invalid: /[^a-z0-9]+/g,
  separator: "-",
  digitPrefix: "n-",
  fallback: "task",
};
const SNAKE: Style = {
  invalid: /[^a-z0-9]+/g,
  separator: "_",
  digitPrefix: "p_",
  fallback: "param",
};

function base(text: string, style: Style): string {
  const s = style.separator;
  const slug = text
    .toLowerCase()
    .replace(style.invalid, s)
    .replace(new RegExp(`^${s}+|${s}+$`, "g"), "");
  const named = slug || style.fallback;
  return /^[0-9]/.test(named) ? `${style.digitPrefix}${named}` : named;
}

/** `head` cut to fit `max` with room for a separator and a hash of `original`. */
function withHash(head: string, original: string, max: number, style: Style, length: number) {
  const room = max - length - 1;
  const cut = head.slice(0, room).replace(new RegExp(`${style.separator}+$`), "");
  const hash = sha256(original).slice(0, length);
  // A bare hash may start with a digit: keep the prefix that makes names start with a letter.
  return cut === ""
    ? `${style.digitPrefix}${hash}`.slice(0, max)
    : `${cut}${style.separator}${hash}`;
}

/**
 * Unique names for `ids` in one style, deterministic whatever their order. Each id becomes
 * its slug; a slug that is too long, shared by several ids or reserved gets a short hash of
 * the original id, so `a_b` and `a.b` become `a-b-1f2e3d` and `a-b-9c8b7a` rather than one
 * silently winning. Hashes lengthen until no two names clash.
 */
function uniqueNames(
  ids: readonly string[],
  max: number,
  style: Style,
  reserved: ReadonlySet<string>,
): Map<string, string> {
  const bases = new Map<string, string>();
  const count = new Map<string, number>();
  for (const id of ids) {
    const b = base(id, style);
    bases.set(id, b);
    count.set(b, (count.get(b) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const [id, b] of bases) {
    const plain = b.length <= max && count.get(b) === 1 && !reserved.has(b);
    names.set(id, plain ? b : withHash(b, id, max, style, HASH_LENGTH));
  }
  // A hashed name can still equal another id's plain slug ("a-b-1f2e3d" is a valid id).
  for (let length = HASH_LENGTH + 4; ; length += 4) {
    const owners = new Map<string, string[]>();
    for (const [id, name] of names) owners.set(name, [...(owners.get(name) ?? []), id]);
    const clashes = [...owners].filter(([name, list]) => list.length > 1 || reserved.has(name));
    if (clashes.length === 0) return names;
    for (const [, list] of clashes)
      for (const id of list)
        names.set(id, withHash(bases.get(id)!, id, max, style, Math.min(length, max - 3)));
  }
}

/**
 * DAG task names for task ids (node ids, namespaces, "tag:x"): lowercase, digits and "-",
 * at most 63 characters, never starting with a digit.
 *
 * @example
 * taskNames(["prep.clean", "prep_clean"]) // Map { "prep.clean" => "prep-clean-…", … }
 */
export function taskNames(ids: readonly string[]): Map<string, string> {
  return uniqueNames(ids, MAX_TASK_NAME, DASHED, new Set());
}

/** Input parameter names for param ids (`active.model_options.test_size` -> `active_model_options_test_size`). */
export function paramNames(
  ids: readonly string[],
  reserved: readonly string[],
): Map<string, string> {
  return uniqueNames(ids, 63, SNAKE, new Set(reserved));
}

/** `pipelineInfo.name`: lowercase letters, digits and "-", at most 128, a hash when cut. */
export function pipelineName(text: string): string {
  const b = base(text, { ...DASHED, fallback: "pipeline", digitPrefix: "p-" });
  return b.length <= MAX_PIPELINE_NAME
    ? b
    : withHash(b, text, MAX_PIPELINE_NAME, DASHED, HASH_LENGTH);
}
