import type { Plan } from "@pipewright/core";
import { type OutlineGroup, type OutlineVertex, outline } from "./outline.ts";

const STYLE: Record<OutlineVertex["kind"], string> = {
  node: 'shape=box, style="rounded,filled", fillcolor="#eef2ff", color="#6366f1"',
  dataset: 'shape=cylinder, style=filled, fillcolor="#f0fdfa", color="#14b8a6"',
  metrics: 'shape=cylinder, style=filled, fillcolor="#fff7ed", color="#f97316"',
};

/**
 * Renders a plan as a Graphviz DOT digraph, left to right: nodes as rounded boxes, datasets
 * as cylinders, namespaces as clusters. `dot -Tsvg pipeline.dot > pipeline.svg` draws it.
 *
 * @example
 * writeFileSync("pipeline.dot", renderDot(plan));
 */
export function renderDot(plan: Plan): string {
  const { top, edges } = outline(plan);
  const lines = [
    `// pipewright pipeline ${dotString(plan.pipeline)}`,
    `digraph ${dotString(plan.pipeline)} {`,
    // Graph attributes as plain assignments: graphlib-dot does not read `graph [...]`.
    '  rankdir=LR; fontname="Helvetica"; fontsize=11; nodesep=0.25; ranksep=0.45;',
    '  node [fontname="Helvetica", fontsize=10, height=0.3];',
    '  edge [color="#64748b", arrowsize=0.6];',
  ];
  const emit = (group: OutlineGroup, indent: string) => {
    for (const v of group.vertices) {
      // Map nodes and partitioned datasets get a second outline: a stack of them.
      const stack = v.stacked ? ", peripheries=2" : "";
      lines.push(
        `${indent}${v.key} [label=${dotString(v.label)}, tooltip=${dotString(v.id)}, ${STYLE[v.kind]}${stack}];`,
      );
    }
    for (const g of group.groups) {
      // Graphviz draws a subgraph as a box only when its name starts with "cluster".
      lines.push(`${indent}subgraph cluster_${g.key} {`);
      lines.push(
        `${indent}  label=${dotString(g.id)}; style="rounded,filled"; fillcolor="#f8fafc"; color="#cbd5e1";`,
      );
      emit(g, `${indent}  `);
      lines.push(`${indent}}`);
    }
  };
  emit(top, "  ");
  for (const [from, to] of edges) lines.push(`  ${from} -> ${to};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/**
 * A DOT quoted string. DOT itself only escapes `"`, but Graphviz reads labels as
 * escString, where a backslash starts `\n`, `\N`, `\G`...: doubling backslashes keeps a
 * name literal. Control characters become spaces.
 */
export function dotString(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
  return `"${text.replace(/[\0-\x1f\x7f]/g, " ").replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
