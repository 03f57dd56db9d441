import { defineConfig } from "pipewright";

export default defineConfig({
  name: "daily-events",
  pipelines: {
    __default__: () => import("./src/pipelines/daily.ts").then((m) => m.daily()),
  },
  catalog: "conf/catalog.yaml",
  params: "conf/params.yaml",
  targets: {
    // Map nodes fan out: a listing pod, then one pod per batch of days (at most 20).
    argo: { image: "ghcr.io/example/daily-events:0.1.0", fanOut: { maxBatches: 20 } },
    airflow: { image: "ghcr.io/example/daily-events:0.1.0" },
  },
});
