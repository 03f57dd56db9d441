import { readFileSync } from "node:fs";
import type { SourceLocation } from "../authoring/location.ts";

/**
 * The original source text of the call at `loc` (e.g. `node({ ... })`), read from the
 * file on disk. Code fingerprints hash this rather than `fn.toString()`, because the
 * latter is the *transformed* code and differs between loaders (tsx, vitest, a bundler),
 * which would make the same project compile to different plans.
 *
 * Returns undefined when the call cannot be found; callers fall back to fn.toString().
 */
export function callSourceText(
  loc: SourceLocation,
  cache: Map<string, string | null>,
): string | undefined {
  let text = cache.get(loc.file);
  if (text === undefined) {
    try {
      text = readFileSync(loc.file, "utf8");
    } catch {
      text = null;
    }
    cache.set(loc.file, text);
  }
  if (text === null) return undefined;
  let offset = 0;
  for (let line = 1; line < loc.line && offset >= 0; line++)
    offset = text.indexOf("\n", offset) + 1;
  if (offset < 0) return undefined;
  const open = text.indexOf("(", offset + Math.max(0, loc.column - 1));
  if (open < 0) return undefined;
  const close = matchParen(text, open);
  return close === undefined
    ? undefined
    : text.slice(offset + Math.max(0, loc.column - 1), close + 1);
}

/** Index of the ")" closing the "(" at `open`, skipping strings and comments. */
function matchParen(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'" || ch === "`") {
      i = skipString(text, i, ch);
    } else if (ch === "/" && text[i + 1] === "/") {
      i = text.indexOf("\n", i);
      if (i < 0) return undefined;
    } else if (ch === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
      if (i <= 0) return undefined;
    } else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
  }
  return undefined;
}

function skipString(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}
