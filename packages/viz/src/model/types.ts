// The data a page carries: built in Node from a plan (and a run), read by the browser
// code in ../client. Indexes instead of ids keep it compact for plans of thousands of nodes.

export type VertexKind = "node" | "dataset" | "metrics" | "param";
export type NodeStatus = "ran" | "cached" | "failed" | "skipped";

/** A drawn box: a pipeline node, a dataset or a param. */
export interface VizVertex {
  kind: VertexKind;
  /** The plan id (qualified name). */
  id: string;
  /** The name inside its namespace. */
  label: string;
  /** The label as drawn, cut to fit; `pretty` is the same in Kedro's pretty form. */
  text: string;
  pretty: string;
  /** Namespace index, -1 for none. */
  group: number;
  /** Box size in px, estimated from the label so Node and the browser agree without measuring. */
  w: number;
  h: number;
  /** Node tags (empty for datasets and params). */
  tags: string[];
  node?: NodeDetails;
  dataset?: DatasetDetails;
  param?: ParamDetails;
  run?: RunNode;
}

export interface NodeDetails {
  name: string;
  namespace: string | null;
  /** [input key, vertex index] */
  inputs: [string, number][];
  params: [string, number][];
  outputs: [string, number][];
  location: string | null;
  cacheKey: string;
  codeHash: string;
  codeVersion: string | null;
  resources: { cpu?: string | undefined; memory?: string | undefined; gpu?: number | undefined };
  retries: number;
  timeoutSeconds: number | null;
  cache: boolean;
  /** Map nodes: the input mapped over; drawn as a stack of boxes. */
  map?: { over: string; source: string };
}

export interface DatasetDetails {
  description?: string;
  schema: string;
  storage: { type: string; uri?: string; credentials?: string };
  /** A partitioned dataset (a folder of partitions). */
  partitioned?: boolean;
  /** Vertex index of the producing node, -1 for a free input. */
  producer: number;
  consumers: number[];
}

export interface ParamDetails {
  value: unknown;
  schema: string;
  consumers: number[];
}

export interface RunNode {
  status: NodeStatus;
  durationMs: number;
  /** Map nodes: how many partitions the run had. */
  partitions?: number;
  metrics?: Record<string, unknown>;
  error?: string;
}

/** A namespace: a box that collapses into a single card. */
export interface VizGroup {
  id: string;
  /** Last segment of the id, shown in the header. */
  label: string;
  parent: number;
  depth: number;
  /** Size of the collapsed card. */
  w: number;
  h: number;
  /** Width the header needs when expanded. */
  headerW: number;
  /** Nodes and datasets inside, nested namespaces included. */
  nodes: number;
  datasets: number;
}

export interface VizRun {
  id: string;
  status: string;
  startedAt: string;
  counts: Record<NodeStatus, number>;
  /** Run record entries that name no node of this plan (the plan changed since). */
  unmatched: string[];
}

export interface VizData {
  version: 1;
  title: string;
  pipeline: string;
  vertices: VizVertex[];
  groups: VizGroup[];
  /** Data flow between vertex indexes: dataset -> node, node -> dataset, param -> node. */
  edges: [number, number][];
  schemas: Record<string, unknown>;
  tags: string[];
  run: VizRun | null;
  /** Layouts of the first view, computed in Node, keyed like the browser's layout cache. */
  layout: Record<string, ContainerLayout>;
}

/** What the page shows: collapsed namespaces, selected tags (none: all), params on or off. */
export interface ViewState {
  collapsed: Set<number>;
  tags: Set<string>;
  params: boolean;
}

export interface Visible {
  shown: Uint8Array;
  /** Vertex index -> key of the box that stands for it ("v3", "g1"), null when filtered out. */
  rep: (string | null)[];
  /** Group index -> its outermost collapsed ancestor (itself included), or -1. */
  top: Int32Array;
  groupShown: Uint8Array;
  /** Drawn edges by "from>to" key. */
  edges: Map<string, [string, string]>;
  /** Base edge index -> the drawn edge carrying it, or null. */
  edgeRep: (string | null)[];
}

/** One container's layout, relative to its top-left corner. */
export interface ContainerLayout {
  w: number;
  h: number;
  /** Child key -> centre. */
  pos: Record<string, [number, number]>;
  /** "a>b" -> dagre's bend points between the two children. */
  edges: Record<string, [number, number][]>;
}

export interface Box {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
  expanded: boolean;
}

export interface ViewLayout {
  width: number;
  height: number;
  boxes: Map<string, Box>;
  edges: { key: string; from: string; to: string; points: [number, number][] }[];
  visible: Visible;
}
