import { defineConfig } from "pipewright";

export default defineConfig({
  name: "iris-like",
  pipelines: {
    __default__: () => import("./src/pipelines/classifier.ts").then((m) => m.classifier()),
  },
  catalog: "conf/catalog.yaml",
  params: "conf/params.yaml",
  targets: {
    argo: {
      // Nodes joined by in-memory datasets share a pod, so no in-memory data crosses pods.
      group: { by: "memory" },
      image: "ghcr.io/example/iris-like:0.1.0",
      storage: { cache: "s3://iris-like/cache" },
    },
    airflow: {
      group: { by: "memory" },
      image: "ghcr.io/example/iris-like:0.1.0",
    },
    kubeflow: {
      group: { by: "memory" },
      image: "ghcr.io/example/iris-like:0.1.0",
      storage: { cache: "s3://iris-like/cache" },
      // Datasets on local paths pass between pods through one shared claim mounted over data/.
      pod: {
        volumes: [
          {
            name: "data",
            mountPath: "/app/data",
            persistentVolumeClaim: { claimName: "iris-like-data" },
          },
        ],
      },
    },
  },
});
