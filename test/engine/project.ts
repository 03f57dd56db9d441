/**
 * The project the execution test deploys: data on S3 under ${DATA_ROOT}, two named
 * credentials (one handed over as env, one as mounted files), a namespace, a runtime
 * param, a timeout, and a second pipeline whose node always fails (with retries: 1).
 * Its Argo target is what a cluster user would write: non-root, read-only root file
 * system with an emptyDir on /tmp, Secrets for every credential.
 */
export function demoProject(endpoint: string): Record<string, string> {
  const s3 = (name: string, type: string, file: string, credentials: string) =>
    `${name}:\n  type: ${type}\n  uri: \${env:DATA_ROOT}/${file}\n  credentials: ${credentials}\n`;
  return {
    "pipewright.config.ts": `import { defineConfig } from "pipewright";

export default defineConfig({
  name: "engine-demo",
  pipelines: {
    __default__: () => import("./src/pipeline.ts").then((m) => m.all),
    failing: () => import("./src/failing.ts").then((m) => m.failing),
  },
  targets: {
    argo: {
      image: "registry.example.com/engine-demo:1.0",
      storage: {
        cache: "s3://pw-engine/cache",
        endpoint: ${JSON.stringify(endpoint)},
        region: "us-east-1",
        credentialsSecret: "cache-s3",
      },
      env: { DATA_ROOT: "s3://pw-engine/cluster" },
      pod: {
        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
        containerSecurityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
        volumes: [{ name: "tmp", mountPath: "/tmp", emptyDir: {} }],
        overrides: [
          {
            match: { nodes: ["always_fails"] },
            volumes: [{ name: "counts", mountPath: "/counts", persistentVolumeClaim: { claimName: "counts" } }],
            env: { COUNT_FILE: "/counts/calls" },
          },
        ],
      },
      credentials: { lake: { secret: "lake-s3" }, work: { secret: "work-s3", mount: "file" } },
    },
  },
});
`,
    "conf/catalog.yaml": [
      s3("raw", "csv", "raw.csv", "lake"),
      s3("clean", "parquet", "clean.parquet", "work"),
      s3("science.model", "json", "model.json", "work"),
      s3("report", "json", "report.json", "work"),
      s3("never", "json", "never.json", "work"),
    ].join(""),
    "conf/params.yaml": "alpha: 0.5\nrun:\n  day: 2026-01-01\n",
    "src/pipeline.ts": `import { z } from "zod";
import { dataset, node, param, pipeline } from "@pipewright/core";

const Row = z.object({ id: z.number(), value: z.number() });
const raw = dataset("raw", z.array(Row));
const clean = dataset("clean", z.array(Row));
const model = dataset("model", z.object({ slope: z.number(), n: z.number() }));
const report = dataset("report", z.object({ day: z.string(), total: z.number(), fitted: z.number() }));
const alpha = param("alpha", z.number());
const day = param("run.day", z.string().regex(/^\\d{4}-\\d{2}-\\d{2}$/), { runtime: true });

export const all = pipeline([
  node({
    name: "clean",
    inputs: { raw },
    outputs: { clean },
    timeout: 60,
    run: ({ raw }) => ({ clean: raw.filter((r) => r.value >= 0) }),
  }),
  pipeline([
    node({
      name: "fit",
      inputs: { clean, alpha },
      outputs: { model },
      run: ({ clean, alpha }) => ({ model: { slope: alpha * clean.length, n: clean.length } }),
    }),
  ]).namespace("science", { inputs: ["clean"], params: ["alpha"] }),
  node({
    name: "score",
    inputs: { clean, model: model.withName("science.model"), day },
    outputs: { report },
    run: ({ clean, model, day }) => ({
      report: { day, total: clean.reduce((s, r) => s + r.value, 0), fitted: model.slope * model.n },
    }),
  }),
]);
`,
    "src/failing.ts": `import { appendFileSync } from "node:fs";
import { z } from "zod";
import { dataset, node, pipeline } from "@pipewright/core";

export const failing = pipeline([
  node({
    name: "always_fails",
    outputs: { never: dataset("never", z.number()) },
    retries: 1,
    run: () => {
      appendFileSync(process.env.COUNT_FILE ?? "/dev/null", "call\\n");
      throw new Error("always fails");
    },
  }),
]);
`,
  };
}
