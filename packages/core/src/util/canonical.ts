import * as crypto from "node:crypto";

/**
 * JSON with object keys sorted at every level, so equal values always give equal text.
 * `undefined` members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    return text === undefined ? "null" : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

// crypto.hash (Node ≥ 20.12) hashes in one call without a Hash object: compile computes
// one key per node, so the saving adds up.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string })
  .hash;

/** sha256 hex of a string. */
export function sha256(text: string): string {
  return oneShot
    ? oneShot("sha256", text, "hex")
    : crypto.createHash("sha256").update(text).digest("hex");
}

/** sha256 hex of the canonical JSON of a value. */
export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}
