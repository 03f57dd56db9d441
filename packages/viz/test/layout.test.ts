import dagre from "@dagrejs/dagre";
import { describe, expect, it } from "vitest";
import { layoutView } from "../src/client/layout.js";
import { adjacency, lineage, litKeys } from "../src/client/lineage.js";
import { visibleGraph } from "../src/client/visible.js";
import { buildModel } from "../src/model/build-model.ts";
import type { Box, ContainerLayout, ViewState, VizData } from "../src/model/types.ts";
import { largePlan, spaceflightsPlan } from "./fixtures.ts";

const data: VizData = { ...buildModel(spaceflightsPlan(), { title: "t" }), layout: {} };
const view = (over: Partial<ViewState> = {}): ViewState => ({
  collapsed: new Set(),
  tags: new Set(),
  params: false,
  ...over,
});
const index = (id: string) => data.vertices.findIndex((v) => v.id === id);
const group = (id: string) => data.groups.findIndex((g) => g.id === id);

function overlaps(a: Box, b: Box): boolean {
  return Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;
}
function inside(inner: Box, outer: Box): boolean {
  return (
    Math.abs(inner.x - outer.x) * 2 <= outer.w - inner.w &&
    Math.abs(inner.y - outer.y) * 2 <= outer.h - inner.h
  );
}

describe("layoutView", () => {
  it("draws every node and dataset, with no two boxes overlapping", () => {
    const layout = layoutView(dagre, data, view(), new Map());
    const leaves = [...layout.boxes.values()].filter((b) => b.key[0] === "v");
    expect(leaves).toHaveLength(27);
    for (const [i, a] of leaves.entries())
      for (const b of leaves.slice(i + 1)) expect(overlaps(a, b), `${a.key} ${b.key}`).toBe(false);
  });

  it("puts each namespace's members inside its box, left to right along the data flow", () => {
    const layout = layoutView(dagre, data, view(), new Map());
    const box = (id: string) => layout.boxes.get(`v${index(id)}`)!;
    const ns = layout.boxes.get(`g${group("data_science.active")}`)!;
    expect(inside(box("data_science.active.train_model"), ns)).toBe(true);
    expect(inside(ns, layout.boxes.get(`g${group("data_science")}`)!)).toBe(true);
    expect(inside(box("model_input_table"), ns)).toBe(false);
    expect(box("companies").x).toBeLessThan(box("data_processing.preprocess_companies").x);
    expect(box("data_processing.preprocess_companies").x).toBeLessThan(box("model_input_table").x);
    expect(box("model_input_table").x).toBeLessThan(box("data_science.candidate.split_data").x);
  });

  it("starts every edge at its source's right side and ends it at its target's left side", () => {
    const layout = layoutView(dagre, data, view(), new Map());
    for (const e of layout.edges) {
      const from = layout.boxes.get(e.from)!;
      const to = layout.boxes.get(e.to)!;
      expect(e.points[0]).toEqual([from.x + from.w / 2, from.y]);
      expect(e.points.at(-1)).toEqual([to.x - to.w / 2, to.y]);
    }
  });

  it("replaces a collapsed namespace by one card and re-lays only its ancestors", () => {
    const cache = new Map<string, ContainerLayout>();
    layoutView(dagre, data, view(), cache);
    const before = new Set(cache.keys());
    const ds = group("data_science");
    const layout = layoutView(
      dagre,
      data,
      view({ collapsed: new Set([group("data_science.active")]) }),
      cache,
    );
    const added = [...cache.keys()].filter((k) => !before.has(k));
    // The page and data_science are laid out again; data_processing and candidate come from the cache.
    expect(added.map((k) => Number(k.split("|")[0])).sort()).toEqual([-1, ds].sort());
    const card = layout.boxes.get(`g${group("data_science.active")}`)!;
    expect(card.expanded).toBe(false);
    expect(layout.boxes.has(`v${index("data_science.active.train_model")}`)).toBe(false);
    expect(layout.visible.rep[index("data_science.active.train_model")]).toBe(card.key);
    // The table feeds the collapsed card through one edge.
    expect(layout.edges.filter((e) => e.to === card.key).map((e) => e.from)).toEqual([
      `v${index("model_input_table")}`,
    ]);
  });

  it("filters by tag: only tagged nodes and the datasets they touch", () => {
    const layout = layoutView(dagre, data, view({ tags: new Set(["training"]) }), new Map());
    const ids = [...layout.boxes.keys()]
      .filter((k) => k[0] === "v")
      .map((k) => data.vertices[+k.slice(1)]!.id);
    expect(ids.filter((id) => data.vertices[index(id)]!.kind === "node").sort()).toEqual([
      "data_science.active.split_data",
      "data_science.active.train_model",
      "data_science.candidate.split_data",
      "data_science.candidate.train_model",
    ]);
    expect(ids).toContain("model_input_table");
    expect(ids).not.toContain("companies");
    expect(layout.boxes.has(`g${group("data_processing")}`)).toBe(false);
  });

  it("shows params only when asked", () => {
    const p = `v${index("data_science.active.model_options.test_size")}`;
    expect(layoutView(dagre, data, view(), new Map()).boxes.has(p)).toBe(false);
    const layout = layoutView(dagre, data, view({ params: true }), new Map());
    expect(layout.boxes.has(p)).toBe(true);
    expect(layout.edges.some((e) => e.from === p)).toBe(true);
  });

  it("lays out a larger plan of namespaces, drawing every vertex", () => {
    const big: VizData = {
      ...buildModel(largePlan(200, { namespaces: true }), { title: "t" }),
      layout: {},
    };
    const layout = layoutView(dagre, big, view(), new Map());
    expect([...layout.boxes.values()].filter((b) => b.key[0] === "v")).toHaveLength(
      big.vertices.filter((v) => v.kind !== "param").length,
    );
  });
});

describe("lineage", () => {
  it("walks upstream and downstream, and lights the drawn edges on the way", () => {
    const adj = adjacency(data);
    const start = [index("data_science.active.train_model")];
    const { up, down } = lineage(adj, start);
    const ids = (s: Set<number>) =>
      [...s].map((i) => data.vertices[i]!.id).filter((id) => !id.includes("model_options"));
    expect(ids(up)).toContain("companies");
    expect(ids(up)).toContain("data_science.active.split_data");
    expect(ids(up)).not.toContain("data_science.candidate.split_data");
    expect(ids(down).sort()).toEqual([
      "data_science.active.evaluate_model",
      "data_science.active.regressor",
      "data_science.active.scores",
    ]);
    const vis = visibleGraph(data, view());
    const lit = litKeys(data, vis, start, up, down);
    const key = (id: string) => `v${index(id)}`;
    expect(lit.boxes.has(key("data_science.active.X_train"))).toBe(true);
    // A sibling output of split_data is neither upstream nor downstream.
    expect(lit.boxes.has(key("data_science.active.X_test"))).toBe(false);
    expect(
      lit.edges.has(
        `${key("data_science.active.X_train")}>${key("data_science.active.train_model")}`,
      ),
    ).toBe(true);
    expect(
      lit.edges.has(
        `${key("data_science.active.X_test")}>${key("data_science.active.evaluate_model")}`,
      ),
    ).toBe(false);
    // Collapsed, the namespace's card carries the lineage.
    const collapsed = visibleGraph(
      data,
      view({ collapsed: new Set([group("data_science.active")]) }),
    );
    expect(
      litKeys(data, collapsed, start, up, down).boxes.has(`g${group("data_science.active")}`),
    ).toBe(true);
  });
});
