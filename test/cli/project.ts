import { makeProject } from "../support/cli.ts";

/** A small project: raw CSV -> clean (memory) -> stats (json), with one param. */
export function tinyProject(extra: Record<string, string> = {}): string {
  return makeProject({
    "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({
  name: "tiny",
  pipelines: {
    __default__: () => import("./src/pipeline.ts").then((m) => m.all),
    broken: () => import("./src/broken.ts").then((m) => m.all),
  },
});
`,
    "conf/catalog.yaml":
      "raw:\n  type: csv\n  path: data/raw.csv\nstats:\n  type: json\n  path: out/stats.json\n",
    "conf/params.yaml": "stats:\n  scale: 2\n",
    "data/raw.csv": "id,value\n1,10\n2,-3\n3,5\n",
    "src/pipeline.ts": `import { z } from "zod";
import { dataset, node, param, pipeline } from "@pipewright/core";
const Row = z.object({ id: z.number(), value: z.number() });
const raw = dataset("raw", z.array(Row));
const clean = dataset("clean", z.array(Row));
const stats = dataset("stats", z.object({ total: z.number() }));
const scale = param("stats.scale", z.number().positive());
export const all = pipeline([
  node({ name: "clean_rows", inputs: { raw }, outputs: { clean }, run: ({ raw }) => ({ clean: raw.filter((r) => r.value >= 0) }), tags: ["prep"] }),
  node({ name: "summarise", inputs: { clean, scale }, outputs: { stats }, run: ({ clean, scale }) => ({ stats: { total: scale * clean.reduce((s, r) => s + r.value, 0) } }) }),
]);
`,
    "src/broken.ts": `throw new Error("the broken pipeline module fails on import");\nexport const all = undefined;\n`,
    ...extra,
  });
}
