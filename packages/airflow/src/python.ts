/**
 * Python literals for values that come from users (names, params, paths). Every string
 * becomes a quoted, pure-ASCII literal: quotes, backslashes, control characters
 * and every non-ASCII code point are escaped, so no input can end the literal, start a
 * new statement, or hide code behind bidirectional-text or look-alike characters.
 */

const HEX = "0123456789abcdef";

function hex(n: number, width: number): string {
  let out = "";
  for (let i = width - 1; i >= 0; i--) out += HEX[(n >> (i * 4)) & 15];
  return out;
}

const SIMPLE_ESCAPES: Record<number, string> = {
  9: "\\t",
  10: "\\n",
  13: "\\r",
  34: '\\"',
  92: "\\\\",
};

// Printable ASCII that needs no escape: most strings are made of these only.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const PLAIN_SINGLE = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

/**
 * A Python `str` literal equal to `text` (code point for code point, lone surrogates
 * included), in double quotes, or single quotes when `quote` says so (for JSON text).
 */
export function pyStr(text: string, quote: '"' | "'" = '"'): string {
  if (quote === '"' ? PLAIN.test(text) : PLAIN_SINGLE.test(text)) return `${quote}${text}${quote}`;
  let out = quote;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    let cp = unit;
    // Join a surrogate pair into one code point; a lone surrogate stays a \u escape.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = (unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
        i++;
      }
    }
    const simple = SIMPLE_ESCAPES[cp];
    if (cp === 0x22 && quote === "'") out += '"';
    else if (cp === 0x27 && quote === "'") out += "\\'";
    else if (simple !== undefined) out += simple;
    else if (cp >= 0x20 && cp < 0x7f) out += String.fromCharCode(cp);
    else if (cp < 0x100) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}${quote}`;
}

/** The values the emitted file holds: strings, numbers, booleans, None, lists and dicts. */
export type PyValue =
  | string
  | number
  | boolean
  | null
  | readonly PyValue[]
  | { readonly [key: string]: PyValue };

/** A Python literal for `value`, on one line. Numbers must be finite; tuples are not needed. */
export function pyLiteral(value: PyValue): string {
  if (value === null) return "None";
  if (typeof value === "string") return pyStr(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot emit ${value} as a Python literal`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(", ")}]`;
  const entries = Object.entries(value as Record<string, PyValue>);
  return `{${entries.map(([k, v]) => `${pyStr(k)}: ${pyLiteral(v)}`).join(", ")}}`;
}

/** A long text as a parenthesised run of one literal per line, so it reads as written. */
export function pyText(text: string): string {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  if (lines.length <= 1) return pyStr(text);
  return `(\n${lines.map((line) => `    ${pyStr(line)}\n`).join("")})`;
}

/** Compact JSON with a space after each comma, so a JSON table reads like Python. */
export function jsonText(value: PyValue): string {
  if (Array.isArray(value)) return `[${value.map(jsonText).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${jsonText(v as PyValue)}`)
      .join(", ")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value))
    throw new TypeError(`cannot write ${value} as JSON`);
  return JSON.stringify(value);
}
