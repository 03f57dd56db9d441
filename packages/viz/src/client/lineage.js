// Upstream and downstream of a selection, over the full graph (hidden vertices too),
// so lineage still shows through collapsed namespaces.

/** @param {import("../model/types.ts").VizData} data */
export function adjacency(data) {
  const ins = data.vertices.map(() => []);
  const outs = data.vertices.map(() => []);
  for (const [a, b] of data.edges) {
    outs[a].push(b);
    ins[b].push(a);
  }
  return { ins, outs };
}

/** Vertices upstream and downstream of `start` (vertex indexes), not counting `start`. */
export function lineage(adj, start) {
  const walk = (next) => {
    const seen = new Set();
    const stack = [...start];
    while (stack.length > 0) {
      for (const w of next[stack.pop()]) {
        if (!seen.has(w)) {
          seen.add(w);
          stack.push(w);
        }
      }
    }
    return seen;
  };
  const up = walk(adj.ins);
  const down = walk(adj.outs);
  for (const s of start) {
    up.delete(s);
    down.delete(s);
  }
  return { up, down };
}

/**
 * Which drawn boxes and edges to light for a selection: every box standing for a
 * vertex on the lineage, and every drawn edge carrying a base edge on it.
 * @param {import("../model/types.ts").VizData} data
 * @param {import("../model/types.ts").Visible} vis
 */
export function litKeys(data, vis, start, up, down) {
  const self = new Set(start);
  const onUp = (i) => up.has(i) || self.has(i);
  const onDown = (i) => down.has(i) || self.has(i);
  const boxes = new Set();
  for (const i of [...self, ...up, ...down]) if (vis.rep[i] !== null) boxes.add(vis.rep[i]);
  const edges = new Set();
  data.edges.forEach(([a, b], e) => {
    const key = vis.edgeRep[e];
    if (key !== null && ((onUp(a) && onUp(b)) || (onDown(a) && onDown(b)))) edges.add(key);
  });
  return { boxes, edges };
}
