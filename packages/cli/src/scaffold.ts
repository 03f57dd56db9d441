/** The files of a new project made by `pipewright init`: a tiny, working pipeline. */
export function scaffold(name: string): Record<string, string> {
  const pkg =
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "pipeline";
  return {
    "package.json": `${JSON.stringify(
      {
        name: pkg,
        private: true,
        type: "module",
        scripts: {
          run: "pipewright run",
          status: "pipewright status",
          viz: "pipewright viz --out pipeline.html",
        },
        dependencies: { "@pipewright/core": "^0.1.0", pipewright: "^0.1.0", zod: "^4.0.0" },
      },
      null,
      2,
    )}\n`,
    "pipewright.config.ts": `import { defineConfig } from "pipewright";

export default defineConfig({
  name: ${JSON.stringify(name)},
  // Pipelines load lazily: a command only imports the one it uses.
  pipelines: {
    __default__: () => import("./src/pipeline.ts").then((m) => m.pipeline),
  },
  catalog: "conf/catalog.yaml",
  params: "conf/params.yaml",
  // Defaults for \`pipewright compile --target argo|airflow\`: the image that holds this
  // project, and nodes joined by in-memory datasets (like "valid") sharing one pod.
  targets: {
    argo: { image: "ghcr.io/your-org/${pkg}:0.1.0", group: { by: "memory" } },
    airflow: { image: "ghcr.io/your-org/${pkg}:0.1.0", group: { by: "memory" } },
  },
});
`,
    "conf/catalog.yaml": `# Where datasets live. Datasets not listed here stay in memory.
measurements:
  type: csv
  path: data/01_raw/measurements.csv
summary:
  type: json
  path: data/02_output/summary.json
`,
    "conf/params.yaml": `summary:
  threshold: 10
`,
    "src/pipeline.ts": `import { z } from "zod";
import { dataset, node, param, pipeline as compose } from "@pipewright/core";

const Measurement = z.object({ sensor: z.string(), value: z.number() });
const measurements = dataset("measurements", z.array(Measurement));
const valid = dataset("valid", z.array(Measurement));
const summary = dataset("summary", z.object({ count: z.number(), mean: z.number() }));
const threshold = param("summary.threshold", z.number());

const keepValid = node({
  name: "keep_valid",
  inputs: { measurements, threshold },
  outputs: { valid },
  run: ({ measurements, threshold }) => ({ valid: measurements.filter((m) => m.value <= threshold) }),
});

const summarise = node({
  name: "summarise",
  inputs: { valid },
  outputs: { summary },
  run: ({ valid }) => ({
    summary: { count: valid.length, mean: valid.reduce((s, m) => s + m.value, 0) / Math.max(valid.length, 1) },
  }),
});

export const pipeline = compose([keepValid, summarise]);
`,
    "data/01_raw/measurements.csv": "sensor,value\na,1.5\nb,7\nc,12\na,3.25\n",
    ".gitignore": "node_modules/\n.pipewright/\ndata/02_output/\n",
    "README.md": `# ${name}

A pipewright project. \`npx pipewright run\` runs the pipeline, \`npx pipewright status\` says
which nodes would run and why, \`npx pipewright viz --out pipeline.html\` draws it.
`,
  };
}
