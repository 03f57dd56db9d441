// JSON Schema, read the way a data scientist reads a table: columns, types, nullability.
import { esc, prettyJson } from "./util.js";

/** A short type name: "number", "string | null", "array<object>", "enum(a, b)". */
export function typeName(schema) {
  if (!schema || typeof schema !== "object") return "any";
  if (schema.const !== undefined) return `= ${JSON.stringify(schema.const)}`;
  if (Array.isArray(schema.enum))
    return `enum(${schema.enum.map((e) => JSON.stringify(e)).join(", ")})`;
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return union.map(typeName).join(" | ");
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.type === "array") return `array<${schema.items ? typeName(schema.items) : "any"}>`;
  if (
    schema.type === "integer" ||
    schema.type === "number" ||
    schema.type === "string" ||
    schema.type === "boolean" ||
    schema.type === "null"
  ) {
    return schema.format ? `${schema.type} (${schema.format})` : schema.type;
  }
  if (schema.type === "object" || schema.properties) return "object";
  if (schema.$ref) return String(schema.$ref).replace(/^#\/(\$defs|definitions)\//, "");
  return "any";
}

/** The columns of a record, or of the rows of a table (an array of records). */
function columnsOf(schema) {
  if (!schema || typeof schema !== "object") return null;
  if (schema.type === "array" && schema.items?.properties)
    return { table: true, record: schema.items };
  if (schema.properties) return { table: false, record: schema };
  return null;
}

/**
 * The schema as an HTML block: a column table when it has one, and the raw JSON Schema.
 * `brief` leaves out the type line, for places that show the type already.
 */
export function schemaHtml(schema, brief = false) {
  const cols = columnsOf(schema);
  let body;
  if (cols) {
    const required = new Set(cols.record.required ?? []);
    const rows = Object.entries(cols.record.properties).map(
      ([name, prop]) =>
        `<tr><td class="mono">${esc(name)}${required.has(name) ? "" : '<span class="opt" title="optional">?</span>'}</td>` +
        `<td><span class="type">${esc(typeName(prop))}</span>${prop?.description ? `<div class="desc">${esc(prop.description)}</div>` : ""}</td></tr>`,
    );
    const what = cols.table
      ? `Table · ${rows.length} column${rows.length === 1 ? "" : "s"}`
      : `Record · ${rows.length} field${rows.length === 1 ? "" : "s"}`;
    body = `<div class="schema-kind">${what}</div><table class="columns"><tbody>${rows.join("")}</tbody></table>`;
  } else {
    body = brief
      ? ""
      : `<div class="schema-kind"><span class="type">${esc(typeName(schema))}</span></div>`;
  }
  const described = schema?.description ? `<p class="desc">${esc(schema.description)}</p>` : "";
  return `${described}${body}<details class="raw"><summary>JSON Schema</summary><pre>${esc(prettyJson(schema))}</pre></details>`;
}
