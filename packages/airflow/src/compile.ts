import { groupTasks, type Plan, planHash } from "@pipewright/core";
import { docMarkdown } from "./doc.ts";
import { emitDagFile } from "./emit.ts";
import { taskRows } from "./layout.ts";
import { airflowNames } from "./names.ts";
import type { AirflowOptions } from "./options.ts";
import { podProfiles } from "./pods.ts";
import { resolveOptions } from "./resolve.ts";
import { dagParams } from "./runtime.ts";

/**
 * Turns a plan into the text of one Airflow DAG file (Airflow 3 by default). Each task
 * runs `pipewright run-node` for its node(s); namespaces become TaskGroups; data moves
 * through the catalog's storage. The file is a table of tasks and a loop, so it stays
 * small and imports fast however large the plan. Throws CompileError on bad options,
 * on resources that are not Kubernetes quantities, and whatever `groupTasks` raises
 * (MEMORY_CROSSES_TASK, CYCLE).
 *
 * @example
 * const py = compileAirflow(plan, { image: "registry.example.com/spaceflights:1.0" });
 * writeFileSync("dags/spaceflights.py", py);
 */
export function compileAirflow(plan: Plan, options: AirflowOptions = {}): string {
  const resolved = resolveOptions(plan, options);
  const tasks = groupTasks(plan, resolved.group);
  const names = airflowNames(tasks);
  const pods = podProfiles(plan, tasks, resolved);
  const rows = taskRows(plan, tasks, names, resolved.operator === "kubernetes", {
    startupSeconds: resolved.startupSeconds,
    profileOf: pods.indexOf,
  });
  const hash = planHash(plan);
  // A task of exactly one map node fans out with dynamic task mapping (dag-code.ts).
  const mapNodes = new Set(plan.nodes.filter((n) => n.map).map((n) => n.id));
  const fanOut = rows.filter((r) => r.nodes.length === 1 && mapNodes.has(r.nodes[0]!));
  return emitDagFile({
    fanOut: fanOut.map((r) => r.id),
    options: resolved,
    planHash: hash,
    doc: docMarkdown(plan, hash, tasks.length, resolved.group.by ?? "node"),
    groups: names.groups,
    rows,
    profiles: pods.profiles,
    unmapped: pods.unmapped,
    params: dagParams(plan),
  });
}
