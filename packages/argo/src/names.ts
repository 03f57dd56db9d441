import { sha256 } from "@pipewright/core";

/**
 * Argo's name rule for templates and DAG tasks (the CRD's pattern): letters, digits and
 * "-", starting with a letter or digit. Tasks must also not start with a digit when they
 * use `depends`. We emit lowercase only, so every name is also a DNS-1123 label.
 */
export const ARGO_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;

const HASH_LENGTH = 6;

/**
 * Lowercase, runs of anything but [a-z0-9] turned into one "-", no "-" at either end.
 * `"Data_Processing.clean"` -> `"data-processing-clean"`.
 */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function shortHash(text: string, length: number): string {
  return sha256(text).slice(0, length);
}

/** `base` cut to fit `max` with room for "-" + hash, without a trailing "-". */
function withHash(base: string, original: string, max: number, hashLength = HASH_LENGTH): string {
  const room = max - hashLength - 1;
  const head = base.slice(0, room).replace(/-+$/, "");
  const hash = shortHash(original, hashLength);
  return head === "" ? hash : `${head}-${hash}`;
}

/**
 * A DNS-1123 label of at most `max` characters for `text`: its slug, or `fallback` when
 * nothing is left; a slug that had to be cut ends with a short hash of `text`, so two long
 * names that share a prefix stay apart.
 */
export function dnsName(text: string, max: number, fallback: string): string {
  const base = slug(text) || fallback;
  return base.length <= max ? base : withHash(base, text, max);
}

/**
 * Unique Argo task names for `ids`, deterministic whatever their order. Each id becomes its
 * slug, prefixed "n-" if it starts with a digit (Argo refuses those with `depends`); a slug
 * that is too long or shared by several ids gets a short hash of the original id, so `a_b`
 * and `a.b` become `a-b-1f2e3d` and `a-b-9c8b7a` rather than one silently winning.
 *
 * @example
 * taskNames(["prep.clean", "prep_clean"], 63) // Map { "prep.clean" => "prep-clean-…", … }
 */
export function taskNames(ids: readonly string[], max: number): Map<string, string> {
  const bases = new Map<string, string>();
  const count = new Map<string, number>();
  for (const id of ids) {
    let base = slug(id) || "task";
    if (/^[0-9]/.test(base)) base = `n-${base}`;
    bases.set(id, base);
    count.set(base, (count.get(base) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const [id, base] of bases) {
    names.set(id, base.length <= max && count.get(base) === 1 ? base : withHash(base, id, max));
  }
  // A hashed name can still equal another id's plain slug ("a-b-1f2e3d" is a valid node
  // id): lengthen the hash of every member of a clash until the names are unique.
  for (let hashLength = HASH_LENGTH + 4; ; hashLength += 4) {
    const owners = new Map<string, string[]>();
    for (const [id, name] of names) {
      const list = owners.get(name);
      if (list) list.push(id);
      else owners.set(name, [id]);
    }
    const clashes = [...owners.values()].filter((list) => list.length > 1);
    if (clashes.length === 0) return names;
    for (const id of clashes.flat())
      names.set(id, withHash(bases.get(id)!, id, max, Math.min(hashLength, max - 2)));
  }
}
