/**
 * Dataset factories, as in Kedro: a catalog key with `{placeholders}` such as
 * `"{namespace}.{name}"` matches dataset ids, and the captured values are substituted into
 * the entry's strings.
 */
export interface Pattern {
  /** The catalog key as written. */
  readonly text: string;
  /** Placeholder names in order of appearance (repeats included once). */
  readonly names: readonly string[];
  readonly regex: RegExp;
  /** Characters outside placeholders: more literal text means a more specific pattern. */
  readonly specificity: number;
  /** Number of placeholders (repeats counted). */
  readonly placeholders: number;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a catalog key is a pattern (has a `{...}`). */
export function isPattern(key: string): boolean {
  return key.includes("{") || key.includes("}");
}

/** Parses a pattern key; throws an Error with a readable reason when it is malformed. */
export function parsePattern(text: string): Pattern {
  let source = "^";
  let last = 0;
  let literal = 0;
  let count = 0;
  const names: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!IDENT.test(name))
      throw new Error(`placeholder "{${name}}" must be a name such as {namespace} or {name}`);
    const before = text.slice(last, m.index);
    checkBraces(before, text);
    source += escapeRegex(before);
    literal += before.length;
    // Lazy, like Kedro's `parse`: "{namespace}.{name}" splits "a.b.c" into "a" and "b.c".
    source += names.includes(name) ? `\\k<${name}>` : `(?<${name}>.+?)`;
    if (!names.includes(name)) names.push(name);
    count++;
    last = m.index + m[0].length;
  }
  const tail = text.slice(last);
  checkBraces(tail, text);
  source += `${escapeRegex(tail)}$`;
  literal += tail.length;
  if (count === 0) throw new Error("a pattern needs at least one {placeholder}");
  return { text, names, regex: new RegExp(source, "s"), specificity: literal, placeholders: count };
}

/** The placeholder values when `id` matches, else undefined. */
export function matchPattern(p: Pattern, id: string): Record<string, string> | undefined {
  const m = p.regex.exec(id);
  return m ? { ...m.groups } : undefined;
}

/**
 * Most specific first, Kedro's ranking: more literal characters, then more placeholders,
 * then alphabetical, so the choice never depends on the order of the file.
 */
export function comparePatterns(a: Pattern, b: Pattern): number {
  return (
    b.specificity - a.specificity ||
    b.placeholders - a.placeholders ||
    (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)
  );
}

/** `{name}` references in a string that are not among `names`. */
export function unknownPlaceholders(text: string, names: readonly string[]): string[] {
  return [...text.matchAll(PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter((n) => IDENT.test(n) && !names.includes(n));
}

/** Replaces `{name}` by its value in every string of `value` (other braces are left alone). */
export function substitute(value: unknown, values: Record<string, string>): unknown {
  if (typeof value === "string") {
    return value.replace(PLACEHOLDER, (whole, name: string) =>
      Object.hasOwn(values, name) ? values[name]! : whole,
    );
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  }
  return value;
}

function checkBraces(literal: string, text: string): void {
  if (literal.includes("{") || literal.includes("}"))
    throw new Error(`unbalanced "{" or "}" in "${text}"`);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
