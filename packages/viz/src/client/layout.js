// Hierarchical layered layout. Each namespace is laid out on its own by dagre, then
// placed as one box in its parent's layout. Laying out one big compound graph costs
// seconds at a few thousand vertices; many small layouts cost milliseconds, and
// collapsing a namespace only re-lays the namespaces around it (the rest is cached).
import { filterSignature, visibleGraph } from "./visible.js";

const GRAPH = { rankdir: "LR", nodesep: 16, ranksep: 46, edgesep: 10, marginx: 0, marginy: 0 };
const PAD_X = 18;
const PAD_TOP = 40;
const PAD_BOTTOM = 18;
const IN = "^in";
const OUT = "^out";

/**
 * Lays out the view of `data` for `state`. `cache` maps container signatures to their
 * relative layouts; pass the same map again to reuse them.
 * @param {any} dagre
 * @param {import("../model/types.ts").VizData} data
 * @param {import("../model/types.ts").ViewState} state
 * @param {Map<string, import("../model/types.ts").ContainerLayout>} cache
 * @returns {import("../model/types.ts").ViewLayout}
 */
export function layoutView(dagre, data, state, cache) {
  const vis = visibleGraph(data, state);
  const { groups, vertices } = data;
  const containerOf = (key) =>
    key[0] === "v" ? vertices[+key.slice(1)].group : groups[+key.slice(1)].parent;

  // Children of every container that shows: -1 is the whole page.
  /** @type {Map<number, Set<string>>} */
  const children = new Map([[-1, new Set()]]);
  for (let g = 0; g < groups.length; g++)
    if (vis.groupShown[g] && vis.top[g] === -1) children.set(g, new Set());
  for (let g = 0; g < groups.length; g++) {
    if (vis.groupShown[g] && (vis.top[g] === -1 || vis.top[g] === g))
      children.get(groups[g].parent).add(`g${g}`);
  }
  for (const key of vis.rep)
    if (key !== null && key[0] === "v") children.get(containerOf(key)).add(key);

  /** @type {Map<number, Map<string, [string, string]>>} */
  const levelEdges = new Map();
  /** @type {Map<number, {ins: Set<string>, outs: Set<string>}>} */
  const ports = new Map();
  const route = new Map();
  for (const [key, [a, b]] of vis.edges) {
    const pa = pathUp(a, containerOf, groups);
    const pb = pathUp(b, containerOf, groups);
    const j0 = new Map(pb.containers.map((c, j) => [c, j]));
    let k = 0;
    while (!j0.has(pa.containers[k])) k++;
    const c = pa.containers[k];
    const j = j0.get(c);
    const ca = pa.keys[k];
    const cb = pb.keys[j];
    if (!levelEdges.has(c)) levelEdges.set(c, new Map());
    levelEdges.get(c).set(`${ca}>${cb}`, [ca, cb]);
    for (let m = 0; m < k; m++) portsOf(ports, pa.containers[m]).outs.add(pa.keys[m]);
    for (let m = 0; m < j; m++) portsOf(ports, pb.containers[m]).ins.add(pb.keys[m]);
    route.set(key, { pa, pb, k, j });
  }

  // Bottom-up: groups are stored parents first, so children are laid out before parents.
  const filter = filterSignature(state);
  /** @type {Map<number, import("../model/types.ts").ContainerLayout>} */
  const laid = new Map();
  const order = [...children.keys()].sort((x, y) => y - x);
  for (const c of order) {
    const signature = `${c}|${filter}|${collapsedInside(c, vis, groups)}`;
    let entry = cache.get(signature);
    if (!entry) {
      entry = layoutContainer(
        dagre,
        data,
        c,
        children.get(c),
        levelEdges.get(c),
        ports.get(c),
        laid,
      );
      cache.set(signature, entry);
    }
    laid.set(c, entry);
  }

  // Top-down: absolute positions.
  /** @type {Map<string, import("../model/types.ts").Box>} */
  const boxes = new Map();
  const origin = new Map([[-1, [0, 0]]]);
  for (const c of [...order].reverse()) {
    const [ox, oy] = origin.get(c);
    const entry = laid.get(c);
    for (const [child, [x, y]] of Object.entries(entry.pos)) {
      const size = sizeOf(data, child, laid, vis);
      const box = {
        key: child,
        x: ox + x,
        y: oy + y,
        w: size.w,
        h: size.h,
        expanded: size.expanded,
      };
      boxes.set(child, box);
      if (size.expanded) origin.set(+child.slice(1), [box.x - box.w / 2, box.y - box.h / 2]);
    }
  }

  // An edge between namespaces follows dagre's routes level by level: out of each
  // namespace around its source (to the "out" port), across their common container,
  // then into each namespace around its target (from the "in" port).
  const routeIn = (c, routeKey) => {
    const [ox, oy] = origin.get(c);
    return (laid.get(c).edges[routeKey] ?? []).map(([x, y]) => [ox + x, oy + y]);
  };
  const edges = [];
  for (const [key, [a, b]] of vis.edges) {
    const { pa, pb, k, j } = route.get(key);
    const from = boxes.get(a);
    const to = boxes.get(b);
    const points = [[from.x + from.w / 2, from.y]];
    for (let m = 0; m < k; m++) points.push(...routeIn(pa.containers[m], `${pa.keys[m]}>${OUT}`));
    points.push(...routeIn(pa.containers[k], `${pa.keys[k]}>${pb.keys[j]}`));
    for (let m = j - 1; m >= 0; m--)
      points.push(...routeIn(pb.containers[m], `${IN}>${pb.keys[m]}`));
    points.push([to.x - to.w / 2, to.y]);
    edges.push({ key, from: a, to: b, points });
  }
  const root = laid.get(-1);
  return { width: root.w, height: root.h, boxes, edges, visible: vis };
}

/** The keys and containers from a drawn box up to the page: keys[i] is a child of containers[i]. */
function pathUp(key, containerOf, groups) {
  const keys = [key];
  const containers = [containerOf(key)];
  while (containers[containers.length - 1] !== -1) {
    const g = containers[containers.length - 1];
    keys.push(`g${g}`);
    containers.push(groups[g].parent);
  }
  return { keys, containers };
}

function portsOf(ports, c) {
  if (!ports.has(c)) ports.set(c, { ins: new Set(), outs: new Set() });
  return ports.get(c);
}

function collapsedInside(c, vis, groups) {
  const out = [];
  for (let g = 0; g < groups.length; g++) {
    if (vis.top[g] !== g || !vis.groupShown[g]) continue;
    let a = groups[g].parent;
    while (a !== -1 && a !== c) a = groups[a].parent;
    if (a === c) out.push(g);
  }
  return out.join(",");
}

function sizeOf(data, key, laid, vis) {
  if (key[0] === "v") {
    const v = data.vertices[+key.slice(1)];
    return { w: v.w, h: v.h, expanded: false };
  }
  const g = +key.slice(1);
  if (vis.top[g] === g) return { w: data.groups[g].w, h: data.groups[g].h, expanded: false };
  const entry = laid.get(g);
  return { w: entry.w, h: entry.h, expanded: true };
}

function layoutContainer(dagre, data, c, kids, edges, ports, laid) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ ...GRAPH });
  g.setDefaultEdgeLabel(() => ({}));
  for (const key of [...kids].sort()) {
    // A vertex, an expanded namespace (laid out already) or a collapsed one.
    const size =
      key[0] === "v"
        ? data.vertices[+key.slice(1)]
        : (laid.get(+key.slice(1)) ?? data.groups[+key.slice(1)]);
    g.setNode(key, { width: size.w, height: size.h });
  }
  for (const [a, b] of edges?.values() ?? []) g.setEdge(a, b);
  // Ports pull vertices fed from outside to the left and those read outside to the right.
  if (ports?.ins.size) {
    g.setNode(IN, { width: 1, height: 1 });
    for (const k of ports.ins) g.setEdge(IN, k);
  }
  if (ports?.outs.size) {
    g.setNode(OUT, { width: 1, height: 1 });
    for (const k of ports.outs) g.setEdge(k, OUT);
  }
  dagre.layout(g);

  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const key of kids) {
    const n = g.node(key);
    x0 = Math.min(x0, n.x - n.width / 2);
    y0 = Math.min(y0, n.y - n.height / 2);
    x1 = Math.max(x1, n.x + n.width / 2);
    y1 = Math.max(y1, n.y + n.height / 2);
  }
  const group = c === -1 ? null : data.groups[c];
  const padX = group ? PAD_X : 0;
  const padTop = group ? PAD_TOP : 0;
  const padBottom = group ? PAD_BOTTOM : 0;
  const inner = x1 - x0 + 2 * padX;
  const w = Math.max(inner, group ? group.headerW : 0);
  const dx = padX - x0 + (w - inner) / 2;
  const dy = padTop - y0;
  const r = (n) => Math.round(n * 10) / 10;
  const pos = {};
  for (const key of kids) {
    const n = g.node(key);
    pos[key] = [r(n.x + dx), r(n.y + dy)];
  }
  const routes = {};
  for (const e of g.edges()) {
    // Keep dagre's bends; the ends are re-attached to the boxes' sides when drawing.
    const points = g.edge(e).points.slice(1, -1);
    routes[`${e.v}>${e.w}`] = points.map((p) => [r(p.x + dx), r(p.y + dy)]);
  }
  return { w: r(w), h: r(y1 - y0 + padTop + padBottom), pos, edges: routes };
}
