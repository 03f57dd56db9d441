/**
 * Every stable error code in pipewright, in one map. Codes are part of the public API:
 * tools match on them, so a code is never renamed once released. Each package adds its
 * own section here rather than inventing strings locally.
 */
export const ErrorCode = {
  // core: pipeline construction and compilation
  CYCLE: "CYCLE",
  MISSING_INPUT: "MISSING_INPUT",
  DUPLICATE_OUTPUT: "DUPLICATE_OUTPUT",
  DUPLICATE_NODE: "DUPLICATE_NODE",
  SCHEMA_MISMATCH: "SCHEMA_MISMATCH",
  INVALID_NAME: "INVALID_NAME",
  UNKNOWN_NODE: "UNKNOWN_NODE",
  UNKNOWN_DATASET: "UNKNOWN_DATASET",
  UNKNOWN_TAG: "UNKNOWN_TAG",
  UNKNOWN_PARAM: "UNKNOWN_PARAM",
  NO_OUTPUTS: "NO_OUTPUTS",
  INPUT_IS_OUTPUT: "INPUT_IS_OUTPUT",
  EMPTY_PIPELINE: "EMPTY_PIPELINE",
  MISSING_PARAM: "MISSING_PARAM",
  INVALID_PARAM: "INVALID_PARAM",
  INVALID_OPTION: "INVALID_OPTION",
  INVALID_PLAN: "INVALID_PLAN",
  MEMORY_CROSSES_TASK: "MEMORY_CROSSES_TASK",
  FINGERPRINT_FAILED: "FINGERPRINT_FAILED",
  INVALID_MAP: "INVALID_MAP",
  NESTED_MAP: "NESTED_MAP",
  MAP_OVER_NON_LIST: "MAP_OVER_NON_LIST",

  // io: catalog, formats, storage
  CATALOG_INVALID: "CATALOG_INVALID",
  UNKNOWN_DATASET_TYPE: "UNKNOWN_DATASET_TYPE",
  BAD_URI: "BAD_URI",
  PATH_TRAVERSAL: "PATH_TRAVERSAL",
  MISSING_CREDENTIALS: "MISSING_CREDENTIALS",
  MISSING_ENV: "MISSING_ENV",
  SOURCE_NOT_FOUND: "SOURCE_NOT_FOUND",
  MALFORMED_DATA: "MALFORMED_DATA",
  DATA_VALIDATION: "DATA_VALIDATION",
  NOT_SERIALISABLE: "NOT_SERIALISABLE",
  STORAGE_ERROR: "STORAGE_ERROR",

  // runner: execution, cache, run records
  NODE_FAILED: "NODE_FAILED",
  OUTPUT_KEYS: "OUTPUT_KEYS",
  RUN_INTERRUPTED: "RUN_INTERRUPTED",
  CACHE_CORRUPT: "CACHE_CORRUPT",
  PLAN_HASH_MISMATCH: "PLAN_HASH_MISMATCH",
  UNKNOWN_RUN: "UNKNOWN_RUN",

  // cli: project config and usage
  CONFIG_NOT_FOUND: "CONFIG_NOT_FOUND",
  CONFIG_FAILED: "CONFIG_FAILED",
  UNKNOWN_PIPELINE: "UNKNOWN_PIPELINE",
  UNKNOWN_TARGET: "UNKNOWN_TARGET",
  UNKNOWN_ENV: "UNKNOWN_ENV",
  UNKNOWN_CATALOG_ENTRY: "UNKNOWN_CATALOG_ENTRY",
  TYPECHECK_FAILED: "TYPECHECK_FAILED",
  USAGE: "USAGE",
  /** Node.js older than pipewright needs (checked by bin/pipewright.cjs before anything loads). */
  UNSUPPORTED_NODE: "UNSUPPORTED_NODE",
  /** Not one of ours: a bug, or an error from the system (permissions, disk full). */
  INTERNAL: "INTERNAL",

  // adapters
  MANIFEST_TOO_LARGE: "MANIFEST_TOO_LARGE",
  ADAPTER_OPTION: "ADAPTER_OPTION",
  /** Nodes that share a pod ask for pod settings that cannot both hold. */
  POD_CONFLICT: "POD_CONFLICT",
  // warnings of `compile --target argo|airflow`: data that will not travel between pods
  LOCAL_DATA_CROSSES_TASK: "LOCAL_DATA_CROSSES_TASK",
  LOCAL_FINAL_OUTPUT: "LOCAL_FINAL_OUTPUT",

  // viz
  VIZ_SERVE_FAILED: "VIZ_SERVE_FAILED",
  VIZ_LAYOUT_FAILED: "VIZ_LAYOUT_FAILED",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
