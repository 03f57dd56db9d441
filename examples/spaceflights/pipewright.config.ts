import { defineConfig } from "pipewright";

export default defineConfig({
  name: "spaceflights",
  // Lazy: `pipewright run --pipeline data_science` loads only that module.
  pipelines: {
    __default__: () => import("./src/pipelines/index.ts").then((m) => m.all()),
    data_processing: () =>
      import("./src/pipelines/data-processing.ts").then((m) => m.dataProcessing()),
    data_science: () => import("./src/pipelines/data-science.ts").then((m) => m.dataScience()),
  },
  catalog: "conf/catalog.yaml",
  params: "conf/params.yaml",
  targets: {
    argo: {
      // Nodes joined by in-memory datasets share a pod, so no in-memory data crosses pods.
      group: { by: "memory" },
      image: "ghcr.io/example/spaceflights:0.1.0",
      storage: { cache: "s3://spaceflights/cache" },
    },
    airflow: {
      group: { by: "memory" },
      image: "ghcr.io/example/spaceflights:0.1.0",
    },
    kubeflow: {
      group: { by: "memory" },
      image: "ghcr.io/example/spaceflights:0.1.0",
      storage: { cache: "s3://spaceflights/cache" },
      // Datasets on local paths pass between pods through one shared claim mounted over data/.
      pod: {
        volumes: [
          {
            name: "data",
            mountPath: "/app/data",
            persistentVolumeClaim: { claimName: "spaceflights-data" },
          },
        ],
      },
    },
  },
});
