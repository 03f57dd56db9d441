export {
  type AirflowTarget,
  type ArgoTarget,
  defineConfig,
  type PipelineFactory,
  type PipewrightConfig,
} from "./config.ts";
