// The side panel: everything the plan knows about the selected box.
import { isInside } from "./draw.js";
import { schemaHtml, typeName } from "./schema.js";
import { countText, esc, formatDuration, formatValue, prettyJson } from "./util.js";

const KIND = {
  node: "Node",
  dataset: "Dataset",
  metrics: "Metrics",
  param: "Parameter",
  group: "Namespace",
};

/**
 * @param {import("../model/types.ts").VizData} data
 * @param {{ type: "vertex" | "group", index: number }} sel
 */
export function panelHtml(data, sel) {
  if (sel.type === "group") return groupPanel(data, sel.index);
  const v = data.vertices[sel.index];
  const body = v.node ? nodeBody(data, v) : v.param ? paramBody(data, v) : datasetBody(data, v);
  return head(v.kind, v.kind === "node" ? v.node.name : v.label, v.id) + body;
}

function head(kind, title, id) {
  return (
    `<header class="p-head"><div class="p-kind kind-${kind}"><svg><use href="#${kind === "group" ? "i-group" : `i-${kind}`}"/></svg>${KIND[kind]}</div>` +
    `<button class="p-close" data-close title="Close (Esc)" aria-label="Close">×</button>` +
    `<h2>${esc(title)}</h2>${id !== title ? `<div class="p-id mono">${esc(id)}</div>` : ""}</header>`
  );
}

function section(title, content, count) {
  return `<section><h3>${esc(title)}${count === undefined ? "" : ` <span class="n">${count}</span>`}</h3>${content}</section>`;
}

function link(data, index) {
  const v = data.vertices[index];
  return `<button class="link kind-${v.kind}" data-goto="${index}"><svg><use href="#i-${v.kind}"/></svg><span>${esc(v.id)}</span></button>`;
}

function schemaOf(data, hash) {
  return data.schemas[hash] ?? {};
}

function ioList(data, pairs, open) {
  if (pairs.length === 0) return '<p class="empty">None</p>';
  return pairs
    .map(([key, index]) => {
      const schema = schemaOf(data, data.vertices[index].dataset?.schema);
      const summary = summaryType(schema);
      return (
        `<details class="io"${open ? " open" : ""}><summary><span class="key mono">${esc(key)}</span>${link(data, index)}` +
        `<span class="type">${esc(summary)}</span></summary><div class="io-body">${schemaHtml(schema, true)}</div></details>`
      );
    })
    .join("");
}

function summaryType(schema) {
  if (schema?.type === "array" && schema.items?.properties)
    return `table · ${Object.keys(schema.items.properties).length} cols`;
  return typeName(schema);
}

function runBlock(run) {
  if (!run) return "";
  let html = `<div class="p-run st-${esc(run.status)}"><span class="status-chip st-${esc(run.status)}">${esc(run.status)}</span><span class="dur">${esc(formatDuration(run.durationMs))}</span></div>`;
  if (run.error) html += `<pre class="error">${esc(run.error)}</pre>`;
  if (run.metrics && Object.keys(run.metrics).length > 0) html += metricsTable(run.metrics);
  return section("Last run", html);
}

/**
 * Metrics as a table. Runners record them per metrics dataset ({ "ns.scores": { r2 } }):
 * a nested record gets a sub-heading and one row per number.
 */
function metricsTable(metrics) {
  const row = (k, val) =>
    `<tr><td class="mono">${esc(k)}</td><td class="num">${esc(formatValue(val))}</td></tr>`;
  const rows = Object.entries(metrics).map(([k, val]) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? `<tr class="sub"><td colspan="2">${esc(k)}</td></tr>${Object.entries(val)
          .map(([ik, iv]) => row(ik, iv))
          .join("")}`
      : row(k, val),
  );
  return `<table class="metrics"><tbody>${rows.join("")}</tbody></table>`;
}

function nodeBody(data, v) {
  const n = v.node;

  const params = n.params.map(([key, index]) => {
    const p = data.vertices[index];
    return `<div class="param"><span class="key mono">${esc(key)}</span>${link(data, index)}<pre class="value">${esc(prettyJson(p.param.value, 2000))}</pre></div>`;
  });
  const res = n.resources;
  const resources = [
    res.cpu && `cpu ${res.cpu}`,
    res.memory && `memory ${res.memory}`,
    res.gpu && `gpu ${res.gpu}`,
  ]
    .filter(Boolean)
    .join(" · ");
  const details = [
    [
      "Location",
      n.location
        ? `<span class="mono">${esc(n.location)}</span>`
        : '<span class="empty">unknown</span>',
    ],
    [
      "Cache key",
      `<span class="mono hash" title="${esc(n.cacheKey)}">${esc(n.cacheKey.slice(0, 16))}…</span>${n.cache ? "" : ' <span class="badge">cache off</span>'}`,
    ],
    [
      "Code",
      n.codeVersion
        ? `version <span class="mono">${esc(n.codeVersion)}</span>`
        : `<span class="mono hash" title="${esc(n.codeHash)}">${esc(n.codeHash.slice(0, 16))}…</span>`,
    ],
    ["Resources", resources ? esc(resources) : '<span class="empty">engine defaults</span>'],
    ["Retries", String(n.retries)],
    [
      "Timeout",
      n.timeoutSeconds === null ? '<span class="empty">none</span>' : `${n.timeoutSeconds} s`,
    ],
  ];
  return (
    runBlock(v.run) +
    section("Inputs", ioList(data, n.inputs, n.inputs.length <= 2), n.inputs.length) +
    (n.params.length > 0 ? section("Parameters", params.join(""), n.params.length) : "") +
    section("Outputs", ioList(data, n.outputs, n.outputs.length <= 2), n.outputs.length) +
    (v.tags.length > 0 ? section("Tags", tagChips(v.tags)) : "") +
    section(
      "Details",
      `<dl>${details.map(([k, val]) => `<dt>${k}</dt><dd>${val}</dd>`).join("")}</dl>`,
    )
  );
}

function tagChips(tags) {
  return `<div class="chips">${tags.map((t) => `<span class="chip">${esc(t)}</span>`).join("")}</div>`;
}

function datasetBody(data, v) {
  const d = v.dataset;
  const storage = [`<span class="badge">${esc(d.storage.type)}</span>`];
  if (d.storage.uri) storage.push(`<span class="mono">${esc(d.storage.uri)}</span>`);
  if (d.storage.credentials)
    storage.push(`credentials <span class="mono">${esc(d.storage.credentials)}</span>`);
  const producer =
    d.producer === -1
      ? '<p class="empty">Nobody: a free input, loaded from the catalog</p>'
      : link(data, d.producer);
  const consumers =
    d.consumers.length === 0
      ? '<p class="empty">Nobody: an output of the pipeline</p>'
      : d.consumers.map((c) => link(data, c)).join("");
  const producerRun = d.producer === -1 ? undefined : data.vertices[d.producer].run;
  return (
    (d.description ? `<p class="p-desc">${esc(d.description)}</p>` : "") +
    (v.kind === "metrics" && producerRun?.metrics
      ? section("Last run", metricsTable(ownMetrics(producerRun.metrics, v.id)))
      : "") +
    section("Schema", schemaHtml(schemaOf(data, d.schema))) +
    section("Storage", `<div class="storage">${storage.join(" ")}</div>`) +
    section("Produced by", producer) +
    section("Read by", consumers, d.consumers.length)
  );
}

/** The part of a node's metrics that this metrics dataset holds, when recorded per dataset. */
function ownMetrics(metrics, id) {
  const own = metrics[id];
  return own && typeof own === "object" && !Array.isArray(own) ? own : metrics;
}

function paramBody(data, v) {
  const p = v.param;
  return (
    section("Value", `<pre class="value">${esc(prettyJson(p.value))}</pre>`) +
    section("Type", `<span class="type">${esc(typeName(schemaOf(data, p.schema)))}</span>`) +
    section("Read by", p.consumers.map((c) => link(data, c)).join(""), p.consumers.length)
  );
}

function groupPanel(data, gi) {
  const g = data.groups[gi];
  const nodes = [];
  const counts = { ran: 0, cached: 0, failed: 0, skipped: 0 };
  data.vertices.forEach((v, i) => {
    if (v.kind !== "node" || !isInside(data, v.group, gi)) return;
    nodes.push(i);
    if (v.run) counts[v.run.status]++;
  });
  const run = data.run
    ? section(
        "Last run",
        `<div class="chips">${Object.entries(counts)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `<span class="status-chip st-${s}">${n} ${s}</span>`)
          .join("")}</div>`,
      )
    : "";
  return (
    head("group", g.label, g.id) +
    `<p class="p-desc">${esc(countText(g.nodes, "node"))} and ${esc(countText(g.datasets, "dataset"))}.</p>` +
    `<div class="p-actions"><button class="btn" data-toggle="g${gi}">Collapse / expand</button></div>` +
    run +
    section("Nodes", nodes.map((i) => link(data, i)).join(""), nodes.length)
  );
}
