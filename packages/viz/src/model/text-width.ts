// Box sizes come from the label's width. Node computes the first layout without a
// browser, so widths are estimated from Helvetica/Arial advance widths (the page's font
// stack prefers Arial-metric fonts), in thousandths of an em, rounded up a little.

const NARROW = new Set([..."fijlt.,:;'|!I()[]{} "]);
const SEMI = new Set([...'rs-"`*ckvxyz']);
const WIDE = new Set([..."mwMW@%"]);

/** Estimated width of `text` in px at `size` px. Generous rather than tight. */
export function textWidth(text: string, size: number): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code > 0x2e80)
      units += 1000; // CJK and wider scripts
    else if (NARROW.has(ch)) units += 280;
    else if (SEMI.has(ch)) units += 500;
    else if (WIDE.has(ch)) units += 880;
    else if (ch >= "A" && ch <= "Z") units += 700;
    else units += 560;
  }
  return Math.ceil((units / 1000) * size * 1.06);
}

/** `text` cut with an ellipsis to fit `max` px, or unchanged. */
export function fitText(text: string, size: number, max: number): string {
  if (textWidth(text, size) <= max) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${chars.slice(0, mid).join("")}…`, size) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join("")}…`;
}

/** Kedro-viz's "pretty name": snake_case words, capitalised. */
export function prettyName(name: string): string {
  return name
    .replace(/_+/g, " ")
    .trim()
    .replace(
      /(^|[\s.])(\p{Ll})/gu,
      (_, before: string, letter: string) => before + letter.toUpperCase(),
    );
}
