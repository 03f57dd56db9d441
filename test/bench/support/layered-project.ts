// A generated project written as users write one (shaped like examples/spaceflights): a
// layered DAG of width `perModule`, one module per layer, each declaring its datasets at
// the top level with a distinct zod schema per dataset and its nodes in a pipeline factory;
// every node reads two datasets of the previous layer and calls a shared helper.
// pipewright.config.ts loads the pipeline lazily, as the CLI does. Shared by the compile
// and fingerprint benchmarks. Lives in a folder so that `pnpm bench` does not run it.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LayeredProject {
  /** Layers, one module each. */
  modules: number;
  /** Nodes (and datasets) per module: the width of the DAG. */
  perModule: number;
  /** Every node declares `codeVersion: "1"`: no code fingerprint. */
  versioned?: boolean;
}

/** A distinct zod schema per dataset: a field named after it, and a shared shape. */
function schema(field: string): string {
  return `z.object({ ${field}: z.number(), at: z.string() })`;
}

const datasetsOf = (lines: string[], name: (i: number) => string, n: number) => {
  lines.push("export const outs = [");
  for (let i = 0; i < n; i++) lines.push(`  dataset("${name(i)}", ${schema(name(i))}),`);
  lines.push("];");
};

// Module m declares layer m's datasets, and a factory for its nodes, which read layer m-1's.
function layer(m: number, { perModule, versioned }: LayeredProject): string {
  const prev = m === 0 ? "./sources.ts" : `./m${m - 1}.ts`;
  const lines = [
    'import { z } from "zod";',
    'import { dataset, node, type Pipeline, pipeline } from "@pipewright/core";',
    'import { combine } from "./helpers.ts";',
    `import { outs as prev } from "${prev}";`,
  ];
  datasetsOf(lines, (i) => `d_${m}_${i}`, perModule);
  lines.push("", "export function create(): Pipeline {", "  return pipeline([");
  for (let i = 0; i < perModule; i++) {
    lines.push(
      `    node({ name: "n_${m}_${i}",${versioned ? ' codeVersion: "1",' : ""} inputs: { a: prev[${i}]!, b: prev[${(i + 1) % perModule}]! }, outputs: { out: outs[${i}]! }, run: ({ a, b }) => ({ out: combine(a, b) }) }),`,
    );
  }
  lines.push("  ]);", "}", "");
  return lines.join("\n");
}

/**
 * Writes the project into `dir` (replacing it): pipewright.config.ts with one pipeline,
 * __default__, built by `all()` in src/index.ts from every layer's factory.
 */
export function writeLayeredProject(dir: string, spec: LayeredProject): void {
  rmSync(dir, { recursive: true, force: true });
  const src = join(dir, "src");
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(dir, "pipewright.config.ts"),
    [
      'import { defineConfig } from "pipewright";',
      "",
      "export default defineConfig({",
      '  pipelines: { __default__: () => import("./src/index.ts").then((m) => m.all()) },',
      "  catalog: false,",
      "  params: false,",
      "});",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(src, "helpers.ts"),
    "export const combine = (a: object, b: object) => ({ ...a, ...b }) as never;\n",
  );
  const sources = ['import { z } from "zod";', 'import { dataset } from "@pipewright/core";'];
  datasetsOf(sources, (i) => `source_${i}`, spec.perModule);
  writeFileSync(join(src, "sources.ts"), `${sources.join("\n")}\n`);
  const index = ['import { type Pipeline, pipeline } from "@pipewright/core";'];
  for (let m = 0; m < spec.modules; m++) {
    writeFileSync(join(src, `m${m}.ts`), layer(m, spec));
    index.push(`import { create as m${m} } from "./m${m}.ts";`);
  }
  index.push(
    "",
    "export function all(): Pipeline {",
    `  return pipeline([${Array.from({ length: spec.modules }, (_, m) => `m${m}()`).join(", ")}]);`,
    "}",
    "",
  );
  writeFileSync(join(src, "index.ts"), index.join("\n"));
}

/** The name of a node in the middle of the DAG (for `.from()` / `.to()`). */
export function middleNode({ modules, perModule }: LayeredProject): string {
  return `n_${Math.floor(modules / 2)}_${Math.floor(perModule / 2)}`;
}
