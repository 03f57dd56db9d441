// The sidebar and the search box: tags, the namespace tree, search results, legend.
import { ICON_OF } from "./icons.js";
import { countText, esc } from "./util.js";

/** Tag chips with the number of nodes carrying each tag. */
export function tagsHtml(data, selected) {
  if (data.tags.length === 0) return '<p class="empty">No tags</p>';
  const counts = new Map(data.tags.map((t) => [t, 0]));
  for (const v of data.vertices) for (const t of v.tags) counts.set(t, counts.get(t) + 1);
  return data.tags
    .map(
      (t, i) =>
        `<button class="chip tag${selected.has(t) ? " on" : ""}" data-tag="${i}" aria-pressed="${selected.has(t)}">` +
        `<span>${esc(t)}</span><span class="n">${counts.get(t)}</span></button>`,
    )
    .join("");
}

/** The namespaces as an indented tree, each with its collapse toggle. */
export function treeHtml(data, collapsed) {
  if (data.groups.length === 0) return '<p class="empty">No namespaces</p>';
  return data.groups
    .map((g, i) => {
      const open = !collapsed.has(i);
      return (
        `<div class="tree-row" style="--depth:${g.depth}" data-group="${i}">` +
        `<button class="tree-toggle" data-toggle="g${i}" aria-expanded="${open}" title="${open ? "Collapse" : "Expand"}">` +
        `<svg viewBox="0 0 10 10"><path d="${open ? "M2 3.5l3 3 3-3" : "M3.5 2l3 3-3 3"}"/></svg></button>` +
        `<button class="tree-name" data-select-group="${i}" title="${esc(g.id)}">${esc(g.label)}</button>` +
        `<span class="n">${g.nodes}</span></div>`
      );
    })
    .join("");
}

/** Vertices whose id or label contains `query`, best first: exact, prefix, then by id. */
export function searchVertices(data, query, limit = 40) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits = [];
  data.vertices.forEach((v, i) => {
    const label = v.label.toLowerCase();
    const id = v.id.toLowerCase();
    const pretty = v.pretty.toLowerCase();
    if (!id.includes(q) && !pretty.includes(q)) return;
    const score = label === q || id === q ? 0 : label.startsWith(q) || pretty.startsWith(q) ? 1 : 2;
    hits.push({ i, score });
  });
  hits.sort(
    (a, b) => a.score - b.score || (data.vertices[a.i].id < data.vertices[b.i].id ? -1 : 1),
  );
  return hits.map((h) => h.i).slice(0, limit);
}

export function resultsHtml(data, hits, total, active, vis) {
  if (hits.length === 0) return '<div class="result none">No match</div>';
  const rows = hits.map((i, n) => {
    const v = data.vertices[i];
    const where =
      vis.rep[i] === null
        ? "filtered out"
        : vis.rep[i][0] === "g"
          ? "in a collapsed namespace"
          : "";
    return (
      `<button class="result${n === active ? " active" : ""}" data-result="${i}"><svg class="kind-${v.kind}"><use href="#${ICON_OF[v.kind]}"/></svg>` +
      `<span class="r-label">${esc(v.label)}</span><span class="r-id">${esc(v.id)}</span>${where ? `<span class="r-where">${where}</span>` : ""}</button>`
    );
  });
  if (total > hits.length) rows.push(`<div class="result none">${total - hits.length} more…</div>`);
  return rows.join("");
}

export function legendHtml(data) {
  const kinds = [
    ["node", "Node"],
    ["dataset", "Dataset"],
    ["metrics", "Metrics"],
    ["param", "Parameter"],
  ];
  let html = kinds
    .map(
      ([k, label]) =>
        `<div class="legend-row"><svg class="kind-${k}"><use href="#${ICON_OF[k]}"/></svg>${label}</div>`,
    )
    .join("");
  if (data.run) {
    html += ["ran", "cached", "failed", "skipped"]
      .map(
        (s) =>
          `<div class="legend-row"><span class="dot st-${s}"></span>${s} <span class="n">${data.run.counts[s]}</span></div>`,
      )
      .join("");
  }
  return html;
}

export function statsText(data) {
  let nodes = 0;
  let datasets = 0;
  for (const v of data.vertices) {
    if (v.kind === "node") nodes++;
    else if (v.kind !== "param") datasets++;
  }
  const parts = [countText(nodes, "node"), countText(datasets, "dataset")];
  if (data.groups.length > 0) parts.push(countText(data.groups.length, "namespace"));
  return parts.join(" · ");
}

export function runSummaryHtml(run) {
  if (!run) return "";
  const when = new Date(run.startedAt);
  const date = Number.isNaN(when.getTime()) ? run.startedAt : when.toLocaleString();
  const counts = Object.entries(run.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `<span class="status-chip st-${s}">${n} ${s}</span>`)
    .join("");
  const stale =
    run.unmatched.length > 0
      ? `<span class="warn" title="${esc(run.unmatched.join(", "))}">${run.unmatched.length} not in this plan</span>`
      : "";
  return (
    `<div class="run-chip st-${esc(run.status)}" title="Run ${esc(run.id)}"><span class="dot st-${esc(run.status)}"></span>` +
    `<span class="run-label">Run <span class="mono">${esc(run.id)}</span> · ${esc(run.status)}</span><span class="run-date">${esc(date)}</span></div>${counts}${stale}`
  );
}
