import { compile, dataset, node, partitioned, pipeline } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { renderDot, renderMermaid } from "../src/index.ts";
import { buildModel } from "../src/model/build-model.ts";
import { graphvizSvg, parseDot } from "./support/graphviz.ts";

const raw = partitioned("raw_events", z.array(z.number()));
const totals = partitioned("totals", z.number());
const report = dataset("report", z.number());
const plan = compile(
  pipeline([
    node.map({
      name: "total",
      over: { day: raw },
      outputs: { totals },
      run: ({ day }) => ({ totals: day.length }),
    }),
    node({
      name: "report",
      inputs: { totals },
      outputs: { report },
      run: ({ totals }) => ({ report: totals.size }),
    }),
  ]),
);

describe("map nodes in the viz", () => {
  it("mark map nodes and partitioned datasets, with the partition count of the last run", () => {
    const model = buildModel(plan, {
      title: "t",
      run: {
        id: "r1",
        status: "succeeded",
        startedAt: "2026-01-01T00:00:00Z",
        nodes: [
          {
            name: "total",
            status: "ran",
            durationMs: 5,
            partitions: [{ name: "a" }, { name: "b" }, { name: "c" }],
          },
          { name: "report", status: "ran", durationMs: 1 },
        ],
      },
    });
    const total = model.vertices.find((v) => v.id === "total")!;
    expect(total.node!.map).toEqual({ over: "day", source: "partitions" });
    expect(total.run!.partitions).toBe(3);
    const rep = model.vertices.find((v) => v.id === "report")!;
    expect(rep.node!.map).toBeUndefined();
    expect(rep.run!.partitions).toBeUndefined();
    expect(model.vertices.find((v) => v.id === "totals")!.dataset!.partitioned).toBe(true);
  });

  it("Mermaid and DOT draw them as stacks", () => {
    const mermaid = renderMermaid(plan);
    expect(mermaid).toMatch(/n0\[\["total \(per partition\)"\]\]:::pwNode/);
    expect(mermaid).toMatch(/n1\("report"\):::pwNode/);
    expect(mermaid).toMatch(/\[\("totals \(partitioned\)"\)\]/);
    const dot = renderDot(plan);
    expect(dot).toMatch(/n0 \[label="total".*peripheries=2\];/);
    expect(dot).not.toMatch(/n1 \[label="report".*peripheries/);
    // Read back by graphlib-dot and laid out by Graphviz itself.
    expect(parseDot(dot).node("n0").peripheries).toBe("2");
    expect(graphvizSvg(dot)).toMatch(/<svg/);
  });
});
