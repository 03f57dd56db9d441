export { Dataset, type DatasetOptions, dataset, metrics } from "./authoring/dataset.ts";
export type { FilterOptions } from "./authoring/filters.ts";
export type {
  ItemsOf,
  MapContext,
  MapNodeSpec,
  MapSource,
  PartitionValuesOf,
} from "./authoring/map-node.ts";
export type { NameMapping, NamespaceOptions } from "./authoring/namespace.ts";
export {
  Node,
  type NodeInputs,
  type NodeOutputs,
  type NodeSpec,
  type ValuesOf,
} from "./authoring/node.ts";
export { node } from "./authoring/node-with-map.ts";
export { Param, type ParamOptions, param } from "./authoring/param.ts";
export {
  isPartitioned,
  isPartitions,
  Partitioned,
  type Partitions,
  partitioned,
  partitions,
} from "./authoring/partitioned.ts";
export { type DatasetRef, Pipeline, type PipelineItem, pipeline } from "./authoring/pipeline.ts";
// For the CLI and the runner's worker threads; not part of the authoring API.
export { bundleProject, type ProjectBundle } from "./compile/bundle.ts";
export { type CompileOptions, compile } from "./compile/compile.ts";
export { lookupParam } from "./compile/params.ts";
export { schemaInfo } from "./compile/schemas.ts";
export { takeStamps } from "./compile/stamps.ts";
export type { CatalogResolver } from "./compile/validate.ts";
export { ErrorCode } from "./errors/codes.ts";
export { CompileError, type Issue, PipewrightError } from "./errors/errors.ts";
export { diffPlans, type PlanChange, type PlanDiff } from "./plan/diff.ts";
export type { EngineStorage, EngineTaskOptions, PodTaskOptions } from "./plan/engine-options.ts";
export { type GroupBy, type GroupingOptions, groupTasks, type Task } from "./plan/grouping.ts";
export { lineageHashes, taskLineage } from "./plan/lineage.ts";
export * as optionChecks from "./plan/option-checks.ts";
export {
  type EnvFrom,
  type PodConfig,
  PodConfigSchema,
  type PodMatch,
  type PodSettings,
  PodSettingsSchema,
  type PodVolume,
  type Toleration,
} from "./plan/pod.ts";
export {
  CREDENTIALS_DIR_ENV,
  CREDENTIALS_ENV_PREFIX,
  CREDENTIALS_MOUNT_DIR,
  type CredentialSecrets,
  CredentialSecretsSchema,
  credentialPodSettings,
  credentialSecretsIssues,
  nodeCredentials,
  podCredentials,
} from "./plan/pod-credentials.ts";
export {
  layerPodSettings,
  mergePodSettings,
  type PodTarget,
  podConfigIssues,
  podMatches,
  podSettingsFor,
  podSettingsKey,
} from "./plan/pod-resolve.ts";
export { maxQuantity, parseQuantity } from "./plan/quantity.ts";
export {
  type CodeFingerprint,
  IR_VERSION,
  IR_VERSION_BASE,
  KEY_FORMAT,
  type Plan,
  type PlanDataset,
  PlanDatasetSchema,
  type PlanMap,
  type PlanNode,
  PlanNodeSchema,
  type PlanParam,
  PlanSchema,
  type Resources,
  type StorageBinding,
  StorageBindingSchema,
} from "./plan/schema.ts";
export { parsePlan, planHash, serializePlan } from "./plan/serialize.ts";
export { mergeSettings, nodeSettings, type TaskSettings } from "./plan/task-settings.ts";
export { inFolderOf, writeFileAtomic, writeFileAtomicParts } from "./util/atomic.ts";
export { canonicalJson, hashJson, sha256 } from "./util/canonical.ts";
export { useHashMemo } from "./util/hash-memo.ts";
export { keyedObject } from "./util/keyed-object.ts";
export { lazySchema } from "./util/lazy-schema.ts";
export { closest, didYouMean } from "./util/names.ts";
export { nodeCrypto } from "./util/node-crypto.ts";
export { randomTag } from "./util/random-tag.ts";
export { STATE_DIR_ENV, stateDir } from "./util/state-dir.ts";
