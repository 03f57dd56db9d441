import { describe, expect, it } from "vitest";
import { renderDot, renderHtml, renderMermaid } from "../../packages/viz/src/index.ts";
import { expectGolden } from "../../packages/viz/test/support/golden.ts";
import { graphvizSvg, parseDot } from "../../packages/viz/test/support/graphviz.ts";
import { examplePlan } from "../support/example-plan.ts";

const GOLDEN = new URL("./golden/", import.meta.url).pathname;

// The real spaceflights example, compiled the way `pipewright compile` does it.
describe("viz of examples/spaceflights", async () => {
  const plan = await examplePlan("spaceflights");

  it("renders the Mermaid golden file", () => {
    expectGolden("viz-spaceflights.mmd", renderMermaid(plan), GOLDEN);
  });

  it("renders the DOT golden file, which graphlib-dot and Graphviz both read", () => {
    const dot = renderDot(plan);
    expectGolden("viz-spaceflights.dot", dot, GOLDEN);
    const g = parseDot(dot);
    const tooltips = g
      .nodes()
      .map((n) => g.node(n).tooltip)
      .filter(Boolean);
    expect(tooltips.sort()).toEqual(
      [...plan.nodes.map((n) => n.id), ...plan.datasets.map((d) => d.id)].sort(),
    );
    expect(graphvizSvg(dot).match(/class="cluster"/g)).toHaveLength(2);
  });

  it("renders a page that names every node", () => {
    const html = renderHtml(plan);
    expect(html).toContain("<title>default pipeline · pipewright</title>");
    for (const n of plan.nodes) expect(html).toContain(JSON.stringify(n.id));
  });
});
