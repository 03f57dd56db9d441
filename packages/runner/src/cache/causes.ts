import type { CacheCause } from "../types.ts";
import type { KeyParts } from "./key.ts";

const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));
const fileOf = (location: string | null) => (location ? location.replace(/:\d+$/, "") : undefined);
const union = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

/**
 * Why a node's key differs from the last one it ran with: every part that changed, as
 * DESIGN.md's causes (code, param, input, schema, package), or first-run when there is
 * nothing to compare with. Empty when the parts are equal.
 */
export function compareParts(prev: KeyParts | undefined, now: KeyParts): CacheCause[] {
  if (!prev) return [{ kind: "first-run", detail: "no previous run of this node in the cache" }];
  if (prev.keyFormat !== now.keyFormat) {
    return [
      {
        kind: "first-run",
        detail: `the cache key format changed (${prev.keyFormat} -> ${now.keyFormat}); nothing cached before it is reused`,
      },
    ];
  }
  return [
    ...codeCauses(prev, now),
    ...packageCauses(prev, now),
    ...paramCauses(prev, now),
    ...inputCauses(prev, now),
    ...outputCauses(prev, now),
  ];
}

function codeCauses(prev: KeyParts, now: KeyParts): CacheCause[] {
  const file = fileOf(now.code.location);
  const at = file ? { file } : {};
  const causes: CacheCause[] = [];
  if (prev.code.version !== now.code.version) {
    causes.push({
      kind: "code",
      ...at,
      detail: `codeVersion changed: ${show(prev.code.version)} -> ${show(now.code.version)}`,
    });
  }
  for (const f of union(prev.code.files, now.code.files)) {
    const a = prev.code.files[f];
    const b = now.code.files[f];
    if (a === b) continue;
    const what =
      a === undefined
        ? "is now part of the node's code"
        : b === undefined
          ? "is no longer part of the node's code"
          : "changed";
    causes.push({ kind: "code", file: f, detail: `${f} ${what}` });
  }
  return causes;
}

function packageCauses(prev: KeyParts, now: KeyParts): CacheCause[] {
  const causes: CacheCause[] = [];
  for (const name of union(prev.code.packages, now.code.packages)) {
    const a = prev.code.packages[name];
    const b = now.code.packages[name];
    if (a !== b)
      causes.push({
        kind: "package",
        name,
        old: a ?? null,
        new: b ?? null,
        detail: `${name} ${a ?? "(not imported)"} -> ${b ?? "(not imported)"}`,
      });
  }
  return causes;
}

function paramCauses(prev: KeyParts, now: KeyParts): CacheCause[] {
  const causes: CacheCause[] = [];
  for (const name of union(prev.params, now.params)) {
    const a = prev.params[name];
    const b = now.params[name];
    if (a?.hash === b?.hash) continue;
    causes.push({
      kind: "param",
      name,
      old: a?.value ?? null,
      new: b?.value ?? null,
      detail: `${name}: ${show(a?.value)} -> ${show(b?.value)}`,
    });
  }
  return causes;
}

function inputCauses(prev: KeyParts, now: KeyParts): CacheCause[] {
  const causes: CacheCause[] = [];
  for (const dataset of union(prev.inputs, now.inputs)) {
    const a = prev.inputs[dataset];
    const b = now.inputs[dataset];
    const upstream = b?.upstream ?? a?.upstream ?? null;
    if (!a || !b) {
      causes.push({
        kind: "input",
        dataset,
        upstream,
        detail: a ? `no longer reads "${dataset}"` : `now reads "${dataset}"`,
      });
    } else if (a.schema !== b.schema) {
      causes.push({ kind: "schema", dataset, detail: `the schema of input "${dataset}" changed` });
    } else if ((a.location ?? null) !== (b.location ?? null)) {
      causes.push({
        kind: "input",
        dataset,
        upstream,
        detail: `"${dataset}" is read from another place: ${a.location ?? "memory"} -> ${b.location ?? "memory"}`,
      });
    } else if (a.hash !== b.hash) {
      const by = upstream
        ? `upstream node "${upstream}" wrote different data`
        : "it is a free input and its content changed";
      causes.push({ kind: "input", dataset, upstream, detail: `"${dataset}" changed: ${by}` });
    }
  }
  return causes;
}

function outputCauses(prev: KeyParts, now: KeyParts): CacheCause[] {
  const causes: CacheCause[] = [];
  for (const dataset of union(prev.outputs, now.outputs)) {
    const a = prev.outputs[dataset];
    const b = now.outputs[dataset];
    if (!a || !b) {
      causes.push({
        kind: "code",
        ...(fileOf(now.code.location) && { file: fileOf(now.code.location)! }),
        detail: a ? `no longer writes "${dataset}"` : `now writes "${dataset}"`,
      });
    } else if (a.schema !== b.schema) {
      causes.push({ kind: "schema", dataset, detail: `the schema of output "${dataset}" changed` });
    } else if (a.format !== b.format) {
      causes.push({
        kind: "schema",
        dataset,
        detail: `the format of output "${dataset}" changed: ${a.format} -> ${b.format}`,
      });
    } else if ((a.location ?? null) !== (b.location ?? null)) {
      causes.push({
        kind: "schema",
        dataset,
        detail: `output "${dataset}" moved: ${a.location ?? "memory"} -> ${b.location ?? "memory"}`,
      });
    } else if (a.options !== b.options) {
      causes.push({
        kind: "schema",
        dataset,
        detail: `the load/save options of output "${dataset}" changed`,
      });
    }
  }
  return causes;
}

/**
 * The causes of a miss, never empty: what changed since the node's last run, or, when
 * nothing did, why the entry for this very key cannot be used.
 */
export function missCauses(
  prev: { key: string; parts: KeyParts } | undefined,
  now: KeyParts,
  key: string,
): CacheCause[] {
  const causes = compareParts(prev?.parts, now);
  if (causes.length > 0) return causes;
  if (prev && prev.key === key) {
    return [
      {
        kind: "missing-output",
        detail:
          "the cached outputs are gone or no longer match their recorded hashes, and no intact copy is in the cache store",
      },
    ];
  }
  if (prev && prev.parts.static !== now.static)
    return [
      { kind: "code", detail: "the node's declaration changed (inputs, outputs or their names)" },
    ];
  return [
    {
      kind: "first-run",
      detail: "no cache entry for this key (the cache store may have been cleared)",
    },
  ];
}
