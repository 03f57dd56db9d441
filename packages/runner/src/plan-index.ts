import type { Plan, PlanDataset, PlanNode, PlanParam } from "@pipewright/core";

/** Lookups over a plan, built once per run. */
export interface PlanIndex {
  plan: Plan;
  nodes: Map<string, PlanNode>;
  datasets: Map<string, PlanDataset>;
  params: Map<string, PlanParam>;
  /** Position of each node id in the plan's topological order. */
  position: Map<string, number>;
}

export function indexPlan(plan: Plan): PlanIndex {
  return {
    plan,
    nodes: new Map(plan.nodes.map((n) => [n.id, n])),
    datasets: new Map(plan.datasets.map((d) => [d.id, d])),
    params: new Map(plan.params.map((p) => [p.id, p])),
    position: new Map(plan.order.map((id, i) => [id, i])),
  };
}

export const isMemory = (ds: PlanDataset): boolean => ds.storage.type === "memory";
