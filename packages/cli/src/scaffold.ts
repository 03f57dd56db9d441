/** Where the project's pipewright packages come from. */
export interface ScaffoldOptions {
  /** The version of pipewright writing the project: dependencies ask for `^version`. */
  version: string;
  /** The zod range the packages are built against. */
  zod: string;
  /**
   * Installing from tarballs instead of the registry: package name -> tarball path inside
   * the project (vendor/...). Every pipewright package is listed, so npm's `overrides`
   * can send the CLI's own dependencies there too.
   */
  tarballs?: Record<string, string>;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The npm package name for a folder name: lower case, dashes. */
export function packageName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "pipeline"
  );
}

function packageJson(pkg: string, o: ScaffoldOptions): string {
  const from = (name: string) => (o.tarballs ? `file:${o.tarballs[name]}` : `^${o.version}`);
  return json({
    name: pkg,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=20.15" },
    scripts: {
      check: "pipewright check",
      run: "pipewright run",
      viz: "pipewright viz --out pipeline.html",
    },
    dependencies: {
      "@pipewright/core": from("@pipewright/core"),
      pipewright: from("pipewright"),
      zod: o.zod,
    },
    devDependencies: { "@types/node": "^20.19.0", typescript: "^5.9.3" },
    // npm resolves the CLI's own @pipewright/* dependencies from the same tarballs.
    ...(o.tarballs && {
      overrides: Object.fromEntries(
        Object.keys(o.tarballs)
          .sort()
          .map((name) => [name, from(name)]),
      ),
    }),
  });
}

const TSCONFIG = json({
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    types: ["node"],
  },
  include: ["pipewright.config.ts", "src"],
});

function dockerfile(pkg: string, vendored: boolean): string {
  return `# The image that Argo and Airflow tasks run (\`pipewright run-node ...\`): the project,
# its dependencies installed from package-lock.json, and \`pipewright\` on PATH.
#   npm install                                    # once: writes package-lock.json
#   docker build -t ghcr.io/your-org/${pkg}:0.1.0 .
# The tag must be the image named in pipewright.config.ts (targets.argo.image).
FROM node:20-slim
WORKDIR /app
# The image's unprivileged "node" user owns /app: pipewright writes its cache and run
# records to /app/.pipewright, and local outputs under /app/data.
RUN chown node:node /app
USER node
COPY --chown=node:node package.json package-lock.json ./
${vendored ? "COPY --chown=node:node vendor ./vendor\n" : ""}RUN npm ci --omit=dev --no-audit --no-fund
COPY --chown=node:node . .
ENV PATH=/app/node_modules/.bin:$PATH
# Loads the config once at build time: a config that fails fails the build, and the
# project's bundle (.pipewright/build) and start-up image (.pipewright/image, built here
# rather than in the background) ship in the image, so tasks start without esbuild; the
# second command writes the image's code cache, and compile (reading no data) the cache
# every task's run-node starts from (~10 ms faster than ls's). A compile that needs what
# only the cluster has (a runtime param, a secret) fails here harmlessly: tasks then
# start from ls's cache.
RUN PIPEWRIGHT_IMAGE=sync pipewright ls > /dev/null && pipewright ls > /dev/null && \
  (pipewright compile > /dev/null 2>&1 || true)
CMD ["pipewright", "--help"]
`;
}

function readme(name: string, pkg: string, vendored: boolean): string {
  const install = vendored
    ? "npm install        # pipewright from the tarballs in vendor/, the rest from the npm registry"
    : "npm install        # pipewright and its dependencies, from the npm registry";
  return `# ${name}

A pipewright project: typed pipelines in TypeScript, run locally with caching, or
compiled to Argo Workflows and Airflow.

## Prerequisites

Node.js 20 or newer, with npm. Docker (or another image builder) only to build the image
for Argo or Airflow.

## Run it

\`\`\`sh
${install}
npx pipewright check                         # type-check, compile every pipeline, validate conf/
npx pipewright run                           # run the pipeline: writes data/02_output/summary.json
npx pipewright run                           # again: every node is cached
npx pipewright run --params summary.threshold=5
npx pipewright status                        # which nodes would run, and why
npx pipewright viz --out pipeline.html       # draw the pipeline
\`\`\`

\`npx pipewright\` runs the copy that \`npm install\` put in \`node_modules/.bin\`
(\`npm run check\` is the same as \`npx pipewright check\`).

## Layout

\`\`\`
pipewright.config.ts      pipelines, and the image for Argo and Airflow
src/pipeline.ts           datasets, params, nodes
conf/base/catalog.yaml    where datasets live; a dataset not listed stays in memory
conf/base/params.yaml     param values
conf/local/               your machine's overrides and credentials (not in git)
conf/prod/catalog.yaml    what differs in production: outputs on shared storage
data/01_raw/              input data
\`\`\`

\`conf/base\` is what every environment shares; \`conf/<env>/\` is laid over it (params key by
key, catalog entries and credentials whole). Choose the environment with \`--env prod\` or
\`PIPEWRIGHT_ENV=prod\`; without either, \`conf/local\` applies when it exists.

## Deploy to Argo Workflows

\`\`\`sh
npx pipewright check --env prod
npx pipewright compile --target argo --env prod --out workflow.yaml
\`\`\`

The workflow runs each task in the image \`ghcr.io/your-org/${pkg}:0.1.0\` (set in
\`pipewright.config.ts\`). Build and push it from this folder with the \`Dockerfile\`
(\`docker build -t ghcr.io/your-org/${pkg}:0.1.0 . && docker push ...\`), then submit
the workflow (\`argo submit workflow.yaml\` or \`kubectl create -f workflow.yaml\`). Each task
checks that the image compiles to the same plan as the workflow, so rebuild the image
whenever you recompile. In \`conf/prod/catalog.yaml\`, replace \`your-bucket\` with a bucket
the pods can write to (credentials come from the pod's AWS_* environment, or from
\`conf/prod/credentials.yaml\`). \`npx pipewright compile --target airflow\` writes an Airflow
DAG file the same way.

## In CI

\`\`\`sh
npm ci
npx pipewright check
\`\`\`
`;
}

/** The files of a new project made by `pipewright init`: a tiny, working pipeline. */
export function scaffold(name: string, options: ScaffoldOptions): Record<string, string> {
  const pkg = packageName(name);
  const vendored = options.tarballs !== undefined;
  return {
    "package.json": packageJson(pkg, options),
    "tsconfig.json": TSCONFIG,
    "pipewright.config.ts": `import { defineConfig } from "pipewright";

export default defineConfig({
  name: ${JSON.stringify(name)},
  // Pipelines load lazily: a command only imports the one it uses.
  pipelines: {
    __default__: () => import("./src/pipeline.ts").then((m) => m.pipeline),
  },
  // Defaults for \`pipewright compile --target argo|airflow\`: the image that holds this
  // project (built with ./Dockerfile), and nodes joined by in-memory datasets (like
  // "valid") sharing one pod.
  targets: {
    argo: { image: "ghcr.io/your-org/${pkg}:0.1.0", group: { by: "memory" } },
    airflow: { image: "ghcr.io/your-org/${pkg}:0.1.0", group: { by: "memory" } },
  },
});
`,
    "conf/base/catalog.yaml": `# Where datasets live. Datasets not listed here stay in memory.
measurements:
  type: csv
  path: data/01_raw/measurements.csv
summary:
  type: json
  path: data/02_output/summary.json
`,
    "conf/base/params.yaml": `summary:
  threshold: 10
`,
    "conf/local/.gitkeep": "",
    "conf/prod/catalog.yaml": `# Laid over conf/base/catalog.yaml with \`--env prod\`: each task of an engine runs in its
# own pod, so outputs go to shared storage. Replace your-bucket with a real bucket.
summary:
  type: json
  uri: s3://your-bucket/${pkg}/summary.json
`,
    "src/pipeline.ts": `import { dataset, node, param, pipeline as compose } from "@pipewright/core";
import { z } from "zod";

const Measurement = z.object({ sensor: z.string(), value: z.number() });
const measurements = dataset("measurements", z.array(Measurement));
const valid = dataset("valid", z.array(Measurement));
const summary = dataset("summary", z.object({ count: z.number(), mean: z.number() }));
const threshold = param("summary.threshold", z.number());

const keepValid = node({
  name: "keep_valid",
  inputs: { measurements, threshold },
  outputs: { valid },
  run: ({ measurements, threshold }) => ({
    valid: measurements.filter((m) => m.value <= threshold),
  }),
});

const summarise = node({
  name: "summarise",
  inputs: { valid },
  outputs: { summary },
  run: ({ valid }) => ({
    summary: {
      count: valid.length,
      mean: valid.reduce((sum, m) => sum + m.value, 0) / Math.max(valid.length, 1),
    },
  }),
});

export const pipeline = compose([keepValid, summarise]);
`,
    "data/01_raw/measurements.csv": "sensor,value\na,1.5\nb,7\nc,12\na,3.25\n",
    ".gitignore": `node_modules/
.pipewright/
data/02_output/
pipeline.html
workflow.yaml
# conf/local holds this machine's settings and credentials
conf/local/*
!conf/local/.gitkeep
`,
    ".dockerignore": `node_modules
.git
.pipewright
conf/local
data/02_output
pipeline.html
workflow.yaml
`,
    Dockerfile: dockerfile(pkg, vendored),
    "README.md": readme(name, pkg, vendored),
  };
}
