import { describe, expect, it } from "vitest";
import { renderDot, renderMermaid } from "../src/index.ts";
import { dotString } from "../src/text/dot.ts";
import { mermaidText } from "../src/text/mermaid.ts";
import { HOSTILE, hostilePlan, spaceflightsPlan } from "./fixtures.ts";
import { expectGolden } from "./support/golden.ts";
import { graphvizSvg, parseDot } from "./support/graphviz.ts";

describe("renderMermaid", () => {
  it("matches the golden file for a plan with nested namespaces", () => {
    expectGolden("spaceflights.mmd", renderMermaid(spaceflightsPlan()));
  });

  it("matches the golden file for hostile names", () => {
    expectGolden("hostile.mmd", renderMermaid(hostilePlan()));
  });

  it("draws namespaces as nested subgraphs and every node and dataset once", () => {
    const text = renderMermaid(spaceflightsPlan());
    expect(text).toMatch(
      /subgraph g1\["data_science"\]\n {4}subgraph g2\["data_science\.active"\]/,
    );
    expect(text.match(/:::pwNode/g)).toHaveLength(9);
    expect(text.match(/:::pw(Data|Metrics)/g)).toHaveLength(18);
    expect(text.match(/^ {2}(subgraph|end)\b/gm)?.length).toBe(4);
  });

  it("writes quotes, markup and entity starts as entity codes", () => {
    expect(mermaidText('a"b<c>&d#e`f')).toBe("a#34;b#60;c#62;#38;d#35;e#96;f");
    expect(mermaidText("line\nbreak")).toBe("line break");
    const text = renderMermaid(hostilePlan());
    for (const line of text.split("\n").filter((l) => l.includes('("'))) {
      // Between the label's quotes there is no quote and no markup left.
      const label = line.slice(line.indexOf('"') + 1, line.lastIndexOf('"'));
      expect(label).not.toMatch(/["<>]/);
    }
  });
});

describe("renderDot", () => {
  it("matches the golden file for a plan with nested namespaces", () => {
    expectGolden("spaceflights.dot", renderDot(spaceflightsPlan()));
  });

  it("matches the golden file for hostile names", () => {
    expectGolden("hostile.dot", renderDot(hostilePlan()));
  });

  it("parses with graphlib-dot, with clusters for namespaces and every edge", () => {
    const plan = spaceflightsPlan();
    const g = parseDot(renderDot(plan));
    const labels = g
      .nodes()
      .filter((n) => !n.startsWith("cluster_"))
      .map((n) => g.node(n).tooltip);
    expect(labels.sort()).toEqual(
      [...plan.nodes.map((n) => n.id), ...plan.datasets.map((d) => d.id)].sort(),
    );
    const edges = plan.nodes.reduce(
      (sum, n) =>
        sum + new Set(Object.values(n.inputs)).size + new Set(Object.values(n.outputs)).size,
      0,
    );
    expect(g.edges()).toHaveLength(edges);
    const active = g.nodes().find((n) => g.node(n).tooltip === "data_science.active.train_model")!;
    expect(g.node(g.parent(active)!).label).toBe("data_science.active");
    expect(g.node(g.parent(g.parent(active)!)!).label).toBe("data_science");
  });

  it("keeps hostile names literal through graphlib-dot", () => {
    const g = parseDot(renderDot(hostilePlan()));
    const labels = g.nodes().map((n) => g.node(n).label);
    expect(labels).toContain(HOSTILE.node);
    expect(labels).toContain(HOSTILE.namespace);
  });

  it("lays out with Graphviz, which prints every name literally", () => {
    const svg = graphvizSvg(renderDot(hostilePlan()));
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!));
    expect(texts).toContain(HOSTILE.node);
    expect(texts).toContain(HOSTILE.dataset.slice(0));
    expect(texts).toContain(HOSTILE.namespace);
    const plain = graphvizSvg(renderDot(spaceflightsPlan()));
    expect(plain.match(/class="cluster"/g)).toHaveLength(4);
    expect(plain.match(/class="node"/g)).toHaveLength(27);
  });

  it("doubles backslashes so Graphviz escapes like \\N stay text", () => {
    expect(dotString('a\\Nb"c')).toBe('"a\\\\Nb\\"c"');
  });
});

function decode(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, "&");
}
