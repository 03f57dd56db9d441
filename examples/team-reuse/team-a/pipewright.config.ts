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
    kubeflow: {
      group: { by: "memory" },
      image: "ghcr.io/acme/team-a:0.1.0",
      storage: { cache: "s3://team-a/cache" },
      // Datasets on local paths pass between pods through one shared claim mounted over data/.
      pod: {
        volumes: [
          {
            name: "data",
            mountPath: "/app/data",
            persistentVolumeClaim: { claimName: "team-a-data" },
          },
        ],
      },
    },
  },
});
