export { compileKubeflow } from "./compile.ts";
export type { KubeflowEngine, KubeflowOptions } from "./options.ts";
export type {
  PodConfig,
  PodMatch,
  PodOverride,
  PodSettings,
  SecretRef,
  Toleration,
  Volume,
} from "./pod.ts";
