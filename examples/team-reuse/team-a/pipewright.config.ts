import { defineConfig } from "pipewright";

export default defineConfig({
  name: "team-a",
  pipelines: {
    __default__: () => import("./src/pipelines.ts").then((m) => m.all()),
    features: () => import("./src/pipelines.ts").then((m) => m.retailFeatures()),
    segmentation: () => import("./src/pipelines.ts").then((m) => m.segmentation()),
  },
  catalog: "conf/catalog.yaml",
  params: "conf/params.yaml",
  targets: {
    argo: {
      // Nodes joined by in-memory datasets share a pod, so no in-memory data crosses pods.
      group: { by: "memory" },
      image: "ghcr.io/acme/team-a:0.1.0",
      storage: { cache: "s3://acme-team-a/cache" },
    },
    airflow: {
      group: { by: "memory" },
      image: "ghcr.io/acme/team-a:0.1.0",
    },
  },
});
