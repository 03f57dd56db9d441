// The page: state, events and the glue between layout, drawing and panels.
import { drawView } from "./draw.js";
import { ICONS } from "./icons.js";
import { layoutView } from "./layout.js";
import { adjacency, lineage, litKeys } from "./lineage.js";
import { panelHtml } from "./panel.js";
import { wireSearch } from "./search-box.js";
import { legendHtml, runSummaryHtml, statsText, tagsHtml, treeHtml } from "./sidebar.js";
import { wireTheme } from "./theme.js";
import { wireTooltip } from "./tooltip.js";
import { createViewport } from "./viewport.js";

/* global dagre */
const t0 = performance.now();
const $ = (id) => document.getElementById(id);
const data = JSON.parse($("pw-data").textContent);
const parseMs = performance.now() - t0;

const state = { collapsed: new Set(), tags: new Set(), params: false };
const view = { pretty: false, selection: null, hits: [] };
const cache = new Map(Object.entries(data.layout));
const adj = adjacency(data);
const svg = $("canvas");
const layer = $("viewport");
svg.querySelector("defs").innerHTML = ICONS;
// Below this zoom, labels are too small to read: big pages hide them (and draw boxes only);
// smaller pages keep them longer, as texture that shows the shape of the pipeline.
const FAR = 0.42;
const FAR_SMALL = 0.2;
// Beyond this many boxes, a far view draws boxes only, and a near view only what is
// around the screen (redrawn as the view moves): a few thousand full boxes are slow to paint.
const BIG = 1500;
let drawn = { lite: false, region: null };
let redrawTimer = 0;
const viewport = createViewport(svg, layer, (k) => {
  svg.classList.toggle("far", k < (layout && layout.boxes.size < BIG ? FAR_SMALL : FAR));
  $("zoom-level").textContent = `${Math.round(k * 100)}%`;
  clearTimeout(redrawTimer);
  if (layout && layout.boxes.size >= BIG) redrawTimer = setTimeout(redrawIfNeeded, 120);
});
/** @type {import("../model/types.ts").ViewLayout} */
let layout;
let elements = new Map();

const timings = { layoutMs: 0, drawMs: 0, domMs: 0 };

function render() {
  const t = performance.now();
  layout = layoutView(dagre, data, state, cache);
  timings.layoutMs = performance.now() - t;
  draw();
}

/** What to draw for the current view: everything, boxes only, or the region around the screen. */
function wantedDrawing() {
  if (layout.boxes.size < BIG) return { lite: false, region: null };
  if (viewport.k < FAR) return { lite: true, region: null };
  const v = viewport.visibleRect();
  const mx = (v.x1 - v.x0) * 0.6;
  const my = (v.y1 - v.y0) * 0.6;
  return { lite: false, region: { x0: v.x0 - mx, y0: v.y0 - my, x1: v.x1 + mx, y1: v.y1 + my } };
}

function redrawIfNeeded() {
  const want = wantedDrawing();
  const v = viewport.visibleRect();
  const covered =
    drawn.region === null ||
    (v.x0 >= drawn.region.x0 &&
      v.x1 <= drawn.region.x1 &&
      v.y0 >= drawn.region.y0 &&
      v.y1 <= drawn.region.y1);
  if (
    want.lite !== drawn.lite ||
    (!want.lite && !covered) ||
    (want.region === null) !== (drawn.region === null)
  )
    draw();
}

function draw() {
  const t1 = performance.now();
  drawn = wantedDrawing();
  const markup = drawView(data, layout, { ...view, ...drawn });
  const t2 = performance.now();
  layer.innerHTML = markup;
  Object.assign(timings, { drawMs: t2 - t1, domMs: performance.now() - t2 });
  elements = new Map();
  for (const el of layer.querySelectorAll("[data-key]")) elements.set(el.dataset.key, el);
  svg.classList.toggle("small", layout.boxes.size < 400);
  $("tree").innerHTML = treeHtml(data, state.collapsed);
  $("tags").innerHTML = tagsHtml(data, state.tags);
  $("tags-clear").hidden = state.tags.size === 0;
  highlight();
}

/** Re-lays the page, keeping the box `anchor` (if given) where it was on screen. */
function relayout(anchor) {
  const before = anchor && layout.boxes.get(anchor);
  $("busy").hidden = false;
  // Let the "Laying out…" note paint before a possibly long layout.
  requestAnimationFrame(() =>
    setTimeout(() => {
      try {
        render();
        const after = anchor && layout.boxes.get(anchor);
        if (before && after)
          viewport.shift(
            before.x - before.w / 2 - (after.x - after.w / 2),
            before.y - before.h / 2 - (after.y - after.h / 2),
          );
        else fit(true);
      } catch (error) {
        toast(`Layout failed: ${error.message}`);
        console.error(error);
      } finally {
        $("busy").hidden = true;
      }
    }, 0),
  );
}

function fit(animate) {
  viewport.fit(0, 0, layout.width, layout.height, animate, panelWidth());
}

function toggleGroup(g) {
  if (state.collapsed.has(g)) state.collapsed.delete(g);
  else state.collapsed.add(g);
  relayout(`g${g}`);
}

function highlight() {
  for (const el of layer.querySelectorAll(".lit, .selected, .match"))
    el.classList.remove("lit", "selected", "match");
  const sel = view.selection;
  svg.classList.toggle("focus", sel !== null);
  if (sel) {
    const start =
      sel.type === "group"
        ? data.vertices.flatMap((v, i) => (isIn(v.group, sel.index) ? [i] : []))
        : [sel.index];
    const { up, down } = lineage(adj, start);
    const lit = litKeys(data, layout.visible, start, up, down);
    for (const key of lit.boxes) elements.get(key)?.classList.add("lit");
    for (const key of lit.edges) elements.get(key)?.classList.add("lit");
    const own =
      sel.type === "group"
        ? layout.boxes.has(`g${sel.index}`)
          ? `g${sel.index}`
          : null
        : layout.visible.rep[sel.index];
    if (own) elements.get(own)?.classList.add("selected", "lit");
  }
  svg.classList.toggle("searching", view.hits.length > 0);
  for (const i of view.hits) {
    const key = layout.visible.rep[i];
    if (key) elements.get(key)?.classList.add("match");
  }
  for (const row of document.querySelectorAll(".tree-row"))
    row.classList.toggle("selected", sel?.type === "group" && sel.index === +row.dataset.group);
}

function isIn(group, ancestor) {
  for (let g = group; g !== -1; g = data.groups[g].parent) if (g === ancestor) return true;
  return false;
}

function select(sel) {
  view.selection = sel;
  const panel = $("panel");
  if (sel) {
    panel.innerHTML = panelHtml(data, sel);
    panel.hidden = false;
    panel.scrollTop = 0;
  } else panel.hidden = true;
  document.body.classList.toggle("panel-open", sel !== null);
  highlight();
}

/** Shows vertex `i`: clears a filter hiding it, expands namespaces around it, selects and centres it. */
function reveal(i) {
  const v = data.vertices[i];
  let changed = false;
  if (layout.visible.rep[i] === null) {
    if (v.kind === "param") state.params = true;
    state.tags.clear();
    $("show-params").checked = state.params;
    changed = true;
  }
  for (let g = v.group; g !== -1; g = data.groups[g].parent)
    changed = state.collapsed.delete(g) || changed;
  if (changed) render();
  // The search did its job: stop dimming everything else.
  view.hits = [];
  select({ type: "vertex", index: i });
  const box = layout.boxes.get(`v${i}`);
  if (box) viewport.centerOn(box.x, box.y, 0.9, panelWidth());
}

function panelWidth() {
  const panel = $("panel");
  return panel.hidden ? 0 : panel.getBoundingClientRect().width;
}

function toast(message) {
  const el = $("toast");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    el.hidden = true;
  }, 5000);
}

// Clicks on the drawing: toggles first, then boxes, else clear the selection.
svg.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle]");
  if (toggle) return toggleGroup(+toggle.dataset.toggle.slice(1));
  const box = event.target.closest(".v");
  if (!box) return select(null);
  const key = box.dataset.key;
  select({ type: key[0] === "g" ? "group" : "vertex", index: +key.slice(1) });
  keepClearOfPanel(key);
});

/** The panel covers the right of the drawing: bring a selected box out from under it. */
function keepClearOfPanel(key) {
  const el = elements.get(key);
  const b = layout.boxes.get(key);
  if (!el || !b) return;
  const panelLeft = $("panel").getBoundingClientRect().left;
  if (el.getBoundingClientRect().right > panelLeft - 24)
    viewport.centerOn(b.x, b.y, viewport.k, panelWidth());
}
wireTooltip(svg, $("stage"), $("tip"));
svg.addEventListener("dblclick", (event) => {
  const box = event.target.closest(".v-group");
  if (box) toggleGroup(+box.dataset.key.slice(1));
});

$("panel").addEventListener("click", (event) => {
  const go = event.target.closest("[data-goto]");
  if (go) {
    event.preventDefault();
    return reveal(+go.dataset.goto);
  }
  if (event.target.closest("[data-close]")) return select(null);
  const toggle = event.target.closest("[data-toggle]");
  if (toggle) toggleGroup(+toggle.dataset.toggle.slice(1));
});

$("sidebar").addEventListener("click", (event) => {
  const tag = event.target.closest("[data-tag]");
  if (tag) {
    const name = data.tags[+tag.dataset.tag];
    if (state.tags.has(name)) state.tags.delete(name);
    else state.tags.add(name);
    return relayout();
  }
  const toggle = event.target.closest("[data-toggle]");
  if (toggle) return toggleGroup(+toggle.dataset.toggle.slice(1));
  const group = event.target.closest("[data-select-group]");
  if (group) {
    const g = +group.dataset.selectGroup;
    select({ type: "group", index: g });
    const box = layout.boxes.get(`g${g}`);
    if (box) viewport.centerOn(box.x, box.y, 0.6, panelWidth());
  }
});
$("tags-clear").addEventListener("click", () => {
  state.tags.clear();
  relayout();
});
$("expand-all").addEventListener("click", () => {
  state.collapsed.clear();
  relayout();
});
$("collapse-all").addEventListener("click", () => {
  for (const [i, g] of data.groups.entries()) if (g.parent === -1) state.collapsed.add(i);
  relayout();
});
$("pretty").addEventListener("change", (event) => {
  view.pretty = event.target.checked;
  render();
});
$("show-params").addEventListener("change", (event) => {
  state.params = event.target.checked;
  relayout();
});
$("zoom").addEventListener("click", (event) => {
  const what = event.target.closest("[data-zoom]")?.dataset.zoom;
  if (what === "in") viewport.zoomBy(1.25);
  else if (what === "out") viewport.zoomBy(0.8);
  else if (what === "fit") fit(true);
});

const search = wireSearch({
  data,
  input: $("search"),
  results: $("search-results"),
  visible: () => layout.visible,
  onHits(hits) {
    view.hits = hits;
    highlight();
  },
  onPick: (i) => reveal(i),
});

document.addEventListener("keydown", (event) => {
  if (event.target instanceof HTMLInputElement) return;
  if (event.key === "/") {
    event.preventDefault();
    search.focus();
  } else if (event.key === "Escape") select(null);
  else if (event.key === "f") fit(true);
});

wireTheme($("theme"));

$("stats").textContent = statsText(data);
$("run-summary").innerHTML = runSummaryHtml(data.run);
$("legend").innerHTML = `<h3>Legend</h3>${legendHtml(data)}`;
const t1 = performance.now();
// First view: lay out, fit, then draw what that zoom needs (boxes only on big pages).
layout = layoutView(dagre, data, state, cache);
timings.layoutMs = performance.now() - t1;
fit(false);
draw();
const t2 = performance.now();
// Ready once the first frame with the drawing has been painted.
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    window.pipewrightViz = {
      parseMs,
      ...timings,
      renderMs: t2 - t1,
      readyMs: performance.now(),
      boxes: layout.boxes.size,
    };
    document.documentElement.dataset.ready = "true";
  }),
);
