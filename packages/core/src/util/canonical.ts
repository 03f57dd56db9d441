import { memoHash } from "./hash-memo.ts";

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

/**
 * The sha256 of `text` (as UTF-8), in hex: from the hash memo when a command keeps one
 * (see hash-memo.ts), else node:crypto's one-shot hash.
 */
export function sha256(text: string): string {
  return memoHash("sha256", text);
}

export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}
