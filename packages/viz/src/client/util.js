// Small helpers for the page. Every name reaches the DOM through esc() or textContent.

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside HTML/SVG markup and quoted attributes. */
export function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** "850 ms", "4.2 s", "12 s", "3 min 05 s". */
export function formatDuration(ms) {
  if (!Number.isFinite(ms)) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

export function countText(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** JSON for display, cut when huge so one giant param cannot freeze the panel. */
export function prettyJson(value, max = 6000) {
  const text = JSON.stringify(value, null, 2) ?? String(value);
  return text.length > max
    ? `${text.slice(0, max)}\n… (${text.length - max} more characters)`
    : text;
}

/** A number for a metrics table: short, but never rounded to a lie. */
export function formatValue(value) {
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
