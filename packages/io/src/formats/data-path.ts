/** A row index and dotted field name from a path into a value (zod issue paths, walkers). */
export function rowAndField(path: readonly PropertyKey[]): { row?: number; field?: string } {
  const out: { row?: number; field?: string } = {};
  let rest = path;
  if (typeof path[0] === "number") {
    out.row = path[0];
    rest = path.slice(1);
  }
  if (rest.length > 0) {
    out.field = rest
      .map((k, i) => (typeof k === "number" ? `[${k}]` : `${i > 0 ? "." : ""}${String(k)}`))
      .join("");
  }
  return out;
}

/** Short, safe description of a value for messages: type and a clipped preview. */
export function preview(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return String(value);
  if (value instanceof Date)
    return `a Date (${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (value instanceof Map) return "a Map";
  if (value instanceof Set) return "a Set";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "object" && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null && !Array.isArray(value))
      return `an instance of ${value.constructor?.name ?? "a class"}`;
    return Array.isArray(value) ? "an array" : "an object";
  }
  return String(value);
}
