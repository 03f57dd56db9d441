import { defineConfig } from "pipewright";

export default defineConfig({
  name: "daily-events",
  pipelines: {
    __default__: () => import("./src/pipelines/daily.ts").then((m) => m.daily()),
  },
  catalog: "conf/catalog.yaml",
  params: "conf/params.yaml",
});
