import type { Plan } from "@pipewright/core";
import { type OutlineGroup, type OutlineVertex, outline } from "./outline.ts";

const CLASSES = [
  "  classDef pwNode fill:#eef2ff,stroke:#6366f1,color:#1e1b4b",
  "  classDef pwData fill:#f0fdfa,stroke:#14b8a6,color:#134e4a",
  "  classDef pwMetrics fill:#fff7ed,stroke:#f97316,color:#7c2d12",
];

/**
 * Renders a plan as a Mermaid flowchart, left to right: nodes as rounded boxes, datasets as
 * cylinders, namespaces as (nested) subgraphs. Paste it into Markdown for docs or a review.
 *
 * @example
 * writeFileSync("pipeline.mmd", renderMermaid(compile(pipeline([clean, train]))));
 */
export function renderMermaid(plan: Plan): string {
  const { top, edges } = outline(plan);
  const lines = [`%% pipewright pipeline "${mermaidText(plan.pipeline)}"`, "flowchart LR"];
  const emit = (group: OutlineGroup, indent: string) => {
    for (const v of group.vertices) lines.push(`${indent}${vertex(v)}`);
    for (const g of group.groups) {
      lines.push(`${indent}subgraph ${g.key}["${mermaidText(g.id)}"]`);
      emit(g, `${indent}  `);
      lines.push(`${indent}end`);
    }
  };
  emit(top, "  ");
  for (const [from, to] of edges) lines.push(`  ${from} --> ${to}`);
  lines.push(...CLASSES);
  return `${lines.join("\n")}\n`;
}

function vertex(v: OutlineVertex): string {
  const label = mermaidText(v.label);
  // A map node is a subroutine box (a double-bordered one), labelled as running per partition.
  // Mermaid itself parses and renders both shapes, hostile labels included (browser.test.ts).
  if (v.kind === "node" && v.stacked) return `${v.key}[["${label} (per partition)"]]:::pwNode`;
  if (v.kind === "node") return `${v.key}("${label}"):::pwNode`;
  if (v.stacked) return `${v.key}[("${label} (partitioned)")]:::pwData`;
  return `${v.key}[("${label}")]:::${v.kind === "metrics" ? "pwMetrics" : "pwData"}`;
}

/**
 * Text safe inside a quoted Mermaid label. Mermaid's own escape is an entity code
 * (`#34;`); quotes, markup and the `#` that starts a code are all written that way, and
 * line breaks become spaces, so no name can end the label or inject HTML.
 */
export function mermaidText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
  return text.replace(/[\0-\x1f\x7f]/g, " ").replace(/["#&<>`\\]/g, (c) => `#${c.charCodeAt(0)};`);
}
