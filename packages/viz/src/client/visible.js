// What the page shows for a view state: which vertices pass the filters, and which box
// stands for each of them (itself, or the outermost collapsed namespace around it).
// Shared by the browser and by Node, which lays out the first view ahead of time.

/**
 * @param {import("../model/types.ts").VizData} data
 * @param {import("../model/types.ts").ViewState} state
 * @returns {import("../model/types.ts").Visible}
 */
export function visibleGraph(data, state) {
  const { vertices, groups, edges } = data;
  const shown = new Uint8Array(vertices.length);
  const tagged = state.tags.size > 0;
  for (let i = 0; i < vertices.length; i++) {
    const v = vertices[i];
    if (v.kind === "node") shown[i] = !tagged || v.tags.some((t) => state.tags.has(t)) ? 1 : 0;
  }
  // A dataset or param shows when a shown node reads or writes it.
  const touched = new Uint8Array(vertices.length);
  for (const [a, b] of edges) {
    if (vertices[a].kind === "node" && shown[a]) touched[b] = 1;
    if (vertices[b].kind === "node" && shown[b]) touched[a] = 1;
  }
  for (let i = 0; i < vertices.length; i++) {
    const kind = vertices[i].kind;
    if (kind !== "node") shown[i] = touched[i] && (kind !== "param" || state.params) ? 1 : 0;
  }

  // Groups are stored parents first, so one pass finds the outermost collapsed ancestor.
  const top = new Int32Array(groups.length).fill(-1);
  for (let g = 0; g < groups.length; g++) {
    const p = groups[g].parent;
    top[g] = p !== -1 && top[p] !== -1 ? top[p] : state.collapsed.has(g) ? g : -1;
  }
  const groupShown = new Uint8Array(groups.length);
  /** @type {(string | null)[]} */
  const rep = new Array(vertices.length).fill(null);
  for (let i = 0; i < vertices.length; i++) {
    if (!shown[i]) continue;
    const g = vertices[i].group;
    rep[i] = g === -1 || top[g] === -1 ? `v${i}` : `g${top[g]}`;
    for (let a = g; a !== -1 && !groupShown[a]; a = groups[a].parent) groupShown[a] = 1;
  }

  /** @type {Map<string, [string, string]>} */
  const visibleEdges = new Map();
  /** @type {(string | null)[]} base edge index -> key of the drawn edge that carries it */
  const edgeRep = new Array(edges.length).fill(null);
  for (let e = 0; e < edges.length; e++) {
    const a = rep[edges[e][0]];
    const b = rep[edges[e][1]];
    if (a === null || b === null || a === b) continue;
    const key = `${a}>${b}`;
    if (!visibleEdges.has(key)) visibleEdges.set(key, [a, b]);
    edgeRep[e] = key;
  }
  return { shown, rep, top, groupShown, edges: visibleEdges, edgeRep };
}

/** A short, stable text for the filters, so layouts can be cached per view. */
export function filterSignature(state) {
  return `${[...state.tags].sort().join("\u0000")}|${state.params ? 1 : 0}`;
}
