import type { CommandDef, Parsed } from "./args.ts";
import type { Io } from "./output.ts";

/** A CLI command: its definition (options, help) and what it does. Returns the exit code. */
export interface Command extends CommandDef {
  run(args: Parsed, io: Io): Promise<number>;
}

/** The filter options shared by run and status, as DESIGN.md names them. */
export const FILTER_OPTIONS = {
  nodes: { type: "string", multiple: true, value: "NAME", description: "Only these nodes." },
  "from-nodes": {
    type: "string",
    multiple: true,
    value: "NAME",
    description: "These nodes and everything downstream.",
  },
  "to-nodes": {
    type: "string",
    multiple: true,
    value: "NAME",
    description: "These nodes and everything upstream.",
  },
  "from-inputs": {
    type: "string",
    multiple: true,
    value: "DATASET",
    description: "Nodes reading these datasets, and everything downstream.",
  },
  "to-outputs": {
    type: "string",
    multiple: true,
    value: "DATASET",
    description: "Nodes needed to produce these datasets.",
  },
  tags: {
    type: "string",
    multiple: true,
    value: "TAG",
    description: "Only nodes with any of these tags.",
  },
} as const;

export const PIPELINE_OPTION = {
  pipeline: {
    type: "string",
    short: "p",
    value: "NAME",
    description: "The pipeline (default: the project's default pipeline).",
  },
} as const;

export const PARAMS_OPTION = {
  params: {
    type: "string",
    multiple: true,
    commas: false,
    value: "KEY=VALUE",
    description: "Override a param, e.g. --params model.alpha=0.1 (values are YAML).",
  },
} as const;

export const ENV_OPTION = {
  env: {
    type: "string",
    short: "e",
    value: "NAME",
    description:
      "Configuration environment: conf/NAME/ laid over conf/base/ (default: $PIPEWRIGHT_ENV, else local).",
  },
} as const;

export const JSON_OPTION = {
  json: { type: "boolean", description: "Print machine-readable JSON on stdout." },
} as const;

type Values = Parsed["values"];
const list = (v: Values[string]) => (Array.isArray(v) && v.length > 0 ? v : undefined);

/** The core FilterOptions from run/status flags; undefined when no filter was given. */
export function filterFrom(values: Values) {
  const f = {
    ...(list(values.nodes) && { nodes: list(values.nodes)! }),
    ...(list(values["from-nodes"]) && { fromNodes: list(values["from-nodes"])! }),
    ...(list(values["to-nodes"]) && { toNodes: list(values["to-nodes"])! }),
    ...(list(values["from-inputs"]) && { fromInputs: list(values["from-inputs"])! }),
    ...(list(values["to-outputs"]) && { toOutputs: list(values["to-outputs"])! }),
    ...(list(values.tags) && { tags: list(values.tags)! }),
  };
  return Object.keys(f).length > 0 ? f : undefined;
}

export const strings = (v: Values[string]): string[] => (Array.isArray(v) ? v : []);
export const str = (v: Values[string]): string | undefined =>
  typeof v === "string" ? v : undefined;
