// Turns a laid-out view into SVG markup. One string and one innerHTML keeps a
// 2000-node page fast; every name goes through esc().
import { ICON_PATHS } from "./icons.js";
import { countText, esc, formatDuration } from "./util.js";

const r = (n) => Math.round(n * 10) / 10;

/**
 * @param {import("../model/types.ts").VizData} data
 * @param {import("../model/types.ts").ViewLayout} layout
 * @param {{ pretty: boolean, lite?: boolean, region?: { x0: number, y0: number, x1: number, y1: number } | null }} options
 *   `lite`: boxes only (for a far zoom on a big page); `region`: draw only what meets it.
 */
export function drawView(data, layout, options) {
  const region = options.region ?? null;
  const meets = (box) =>
    !region ||
    (box.x + box.w / 2 >= region.x0 &&
      box.x - box.w / 2 <= region.x1 &&
      box.y + box.h / 2 >= region.y0 &&
      box.y - box.h / 2 <= region.y1);
  const groups = [];
  const cards = [];
  for (const box of layout.boxes.values()) {
    if (!meets(box)) continue;
    if (box.key[0] === "g") (box.expanded ? groups : cards).push(box);
    else cards.push(box);
  }
  groups.sort((a, b) => data.groups[+a.key.slice(1)].depth - data.groups[+b.key.slice(1)].depth);
  const out = ['<g class="layer-groups">'];
  for (const box of groups) out.push(expandedGroup(data, box));
  out.push('</g><g class="layer-edges">');
  for (const e of layout.edges) {
    if (region && !meets(pointsBox(e.points))) continue;
    out.push(`<path class="e" data-key="${esc(e.key)}" d="${edgePath(e.points)}"/>`);
  }
  out.push('</g><g class="layer-vertices">');
  for (const box of cards) {
    if (box.key[0] === "g") out.push(collapsedGroup(data, box));
    else out.push(options.lite ? liteVertex(data, box) : vertex(data, box, options));
  }
  out.push("</g>");
  return out.join("");
}

function pointsBox(points) {
  let [x0, y0] = points[0];
  let [x1, y1] = points[0];
  for (const [x, y] of points) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, w: x1 - x0, h: y1 - y0 };
}

/** A box without text or icon: all a far zoom can show, at a fraction of the cost. */
function liteVertex(data, box) {
  const v = data.vertices[+box.key.slice(1)];
  const status = v.run ? ` st-${esc(v.run.status)}` : "";
  const left = r(-box.w / 2);
  const top = r(-box.h / 2);
  return (
    `<g class="v v-${v.kind}${status}" data-key="${box.key}" data-kind="${v.kind}" data-id="${esc(v.id)}" transform="translate(${r(box.x)},${r(box.y)})">` +
    `<rect class="body" x="${left}" y="${top}" width="${r(box.w)}" height="${box.h}" rx="${v.kind === "node" ? 9 : box.h / 2}"/>` +
    (v.kind === "node"
      ? `<rect class="accent" x="${left}" y="${top}" width="5" height="${box.h}" rx="2.5"/>`
      : "") +
    "</g>"
  );
}

function vertex(data, box, options) {
  const v = data.vertices[+box.key.slice(1)];
  const left = -box.w / 2;
  const status = v.run ? ` st-${esc(v.run.status)}` : "";
  const rx = v.kind === "node" ? 9 : box.h / 2;
  const label = options.pretty ? v.pretty : v.text;
  const iconX = left + (v.kind === "node" ? 13 : 11);
  const textX = left + (v.kind === "node" ? 40 : v.kind === "param" ? 30 : 34);
  const badge =
    v.run && v.kind === "node"
      ? `<text class="dur" x="${r(box.w / 2 - 12)}" y="4.3" text-anchor="end">${esc(formatDuration(v.run.durationMs))}</text>`
      : "";
  // A map node is drawn as a stack of boxes, with the partition count of the shown run.
  const map = v.node?.map;
  const stack = map
    ? `<rect class="stack" x="${r(left + 4)}" y="${r(-box.h / 2 + 4)}" width="${r(box.w)}" height="${box.h}" rx="${rx}"/>`
    : "";
  const count = map
    ? `<text class="parts" x="${r(box.w / 2 + 2)}" y="${r(box.h / 2 + 14)}" text-anchor="end">×${esc(v.run?.partitions ?? "n")}</text>`
    : "";
  return (
    `<g class="v v-${v.kind}${status}${map ? " v-map" : ""}" data-key="${box.key}" data-kind="${v.kind}" data-id="${esc(v.id)}" transform="translate(${r(box.x)},${r(box.y)})">` +
    stack +
    count +
    `<rect class="body" x="${r(left)}" y="${r(-box.h / 2)}" width="${r(box.w)}" height="${box.h}" rx="${rx}"/>` +
    (v.kind === "node"
      ? `<rect class="accent" x="${r(left)}" y="${r(-box.h / 2)}" width="5" height="${box.h}" rx="2.5"/>`
      : "") +
    `<path class="icon" d="${ICON_PATHS[v.kind]}" transform="translate(${r(iconX)},-8)"/>` +
    `<text class="label" x="${r(textX)}" y="4.3">${esc(label)}</text>${badge}</g>`
  );
}

function expandedGroup(data, box) {
  const g = data.groups[+box.key.slice(1)];
  const x = box.x - box.w / 2;
  const y = box.y - box.h / 2;
  return (
    `<g class="grp depth-${g.depth % 4}" data-key="${box.key}" data-kind="group" data-id="${esc(g.id)}" transform="translate(${r(x)},${r(y)})">` +
    `<rect class="grp-box" width="${r(box.w)}" height="${r(box.h)}" rx="14"/>` +
    `<g class="grp-head" data-toggle="${box.key}"><title>Collapse ${esc(g.id)}</title>` +
    `<rect class="grp-hit" width="${r(box.w)}" height="32" rx="14"/>` +
    `<path class="chev" d="M15 13l4.5 4.5 4.5-4.5"/>` +
    `<text class="grp-title" x="32" y="21.5">${esc(g.label)}</text>` +
    `<text class="grp-count" x="${r(box.w - 14)}" y="21.5" text-anchor="end">${esc(groupCounts(g))}</text></g></g>`
  );
}

function collapsedGroup(data, box) {
  const gi = +box.key.slice(1);
  const g = data.groups[gi];
  const left = -box.w / 2;
  const top = -box.h / 2;
  return (
    `<g class="v v-group${statusOfGroup(data, gi)}" data-key="${box.key}" data-kind="group" data-id="${esc(g.id)}" transform="translate(${r(box.x)},${r(box.y)})">` +
    `<rect class="stack" x="${r(left + 5)}" y="${r(top + 5)}" width="${r(box.w)}" height="${box.h}" rx="12"/>` +
    `<rect class="body" x="${r(left)}" y="${r(top)}" width="${r(box.w)}" height="${box.h}" rx="12"/>` +
    `<path class="icon" d="${ICON_PATHS.group}" transform="translate(${r(left + 14)},${r(top + 10)}) scale(1.12)"/>` +
    `<text class="grp-title" x="${r(left + 40)}" y="${r(top + 23)}">${esc(g.label)}</text>` +
    `<text class="grp-count" x="${r(left + 40)}" y="${r(top + 41)}">${esc(groupCounts(g))}</text>` +
    `<g class="grp-expand" data-toggle="${box.key}"><title>Expand ${esc(g.id)}</title>` +
    `<circle cx="${r(box.w / 2 - 18)}" cy="0" r="11"/><path class="chev" d="M${r(box.w / 2 - 20)} -4.5l4.5 4.5-4.5 4.5"/></g></g>`
  );
}

function groupCounts(g) {
  return `${countText(g.nodes, "node")} · ${countText(g.datasets, "dataset")}`;
}

/** The worst status inside a collapsed namespace colours its card. */
function statusOfGroup(data, gi) {
  if (!data.run) return "";
  const rank = { failed: 4, ran: 3, cached: 2, skipped: 1 };
  let best = "";
  for (const v of data.vertices) {
    if (!v.run || !isInside(data, v.group, gi)) continue;
    if (!best || rank[v.run.status] > rank[best]) best = v.run.status;
  }
  return best ? ` st-${best}` : "";
}

export function isInside(data, group, ancestor) {
  for (let g = group; g !== -1; g = data.groups[g].parent) if (g === ancestor) return true;
  return false;
}

/**
 * A smooth path through dagre's bends that leaves and enters horizontally: a uniform
 * B-spline through the points, with short straight stubs at both ends.
 */
export function edgePath(points) {
  const [sx, sy] = points[0];
  const [ex, ey] = points[points.length - 1];
  const pts = [[sx, sy], [sx + 14, sy], ...points.slice(1, -1), [ex - 14, ey], [ex, ey]];
  if (pts.length === 4 && points.length === 2) {
    const mid = (sx + ex) / 2;
    return `M${r(sx)},${r(sy)}C${r(mid)},${r(sy)} ${r(mid)},${r(ey)} ${r(ex)},${r(ey)}`;
  }
  let d = `M${r(pts[0][0])},${r(pts[0][1])}`;
  let [x0, y0] = pts[0];
  let [x1, y1] = pts[1];
  d += `L${r((5 * x0 + x1) / 6)},${r((5 * y0 + y1) / 6)}`;
  for (let i = 2; i < pts.length; i++) {
    const [x, y] = pts[i];
    d += `C${r((2 * x0 + x1) / 3)},${r((2 * y0 + y1) / 3)} ${r((x0 + 2 * x1) / 3)},${r((y0 + 2 * y1) / 3)} ${r((x0 + 4 * x1 + x) / 6)},${r((y0 + 4 * y1 + y) / 6)}`;
    [x0, y0, x1, y1] = [x1, y1, x, y];
  }
  d += `C${r((2 * x0 + x1) / 3)},${r((2 * y0 + y1) / 3)} ${r((x0 + 2 * x1) / 3)},${r((y0 + 2 * y1) / 3)} ${r((x0 + 5 * x1) / 6)},${r((y0 + 5 * y1) / 6)}`;
  return `${d}L${r(x1)},${r(y1)}`;
}
