import { type GroupingOptions, groupTasks, type Plan, planHash } from "@pipewright/core";
import { expect } from "vitest";
import { type Recorded, RUN_ID } from "./support.ts";

/** What a recorded task ran: its argv after `command`, for either operator. */
export function argvOf(task: Recorded["tasks"][number], command: string[]): string[] {
  if (task.kind === "KubernetesPodOperator") {
    expect(task.rendered.cmds).toEqual(command);
    return task.rendered.arguments;
  }
  expect(task.executed, `task ${task.task_id} was not executed`).toBeDefined();
  expect(task.executed!.code, task.executed!.stderr).toBe(0);
  return JSON.parse(task.executed!.stdout).argv;
}

/**
 * Checks that the DAG recorded by the stub is the plan: one operator per task of
 * groupTasks, each running exactly its nodes with the plan hash and Airflow's run id,
 * and the same edges. Returns the recorded task of each core task id.
 */
export function expectMatchesPlan(
  plan: Plan,
  recorded: Recorded,
  o: {
    kind: string;
    command: string[];
    extraArgs?: string[];
    group?: GroupingOptions;
    pipeline?: string;
  },
): Map<string, Recorded["tasks"][number]> {
  const tasks = groupTasks(plan, o.group ?? {});
  expect(recorded.dags).toHaveLength(1);
  expect(recorded.tasks.map((t) => t.kind)).toEqual(tasks.map(() => o.kind));
  const hash = planHash(plan);
  const byCoreId = new Map<string, Recorded["tasks"][number]>();
  const coreIdOf = new Map<string, string>();
  for (const [i, task] of tasks.entries()) {
    const rec = recorded.tasks[i]!;
    const argv = argvOf(rec, o.command);
    expect(argv).toEqual([
      "run-node",
      "--pipeline",
      o.pipeline ?? plan.pipeline,
      ...task.nodes.flatMap((n) => ["--node", n]),
      "--plan-hash",
      hash,
      "--run-id",
      RUN_ID,
      ...(o.extraArgs ?? []),
    ]);
    expect(rec.task_id).toMatch(/^[A-Za-z0-9_.-]{1,250}$/);
    const topLevel =
      task.namespace === null || (task.id === task.namespace && !task.namespace.includes("."));
    expect(rec.group === null, `group of ${task.id}`).toBe(topLevel);
    byCoreId.set(task.id, rec);
    coreIdOf.set(rec.task_id, task.id);
  }
  const edges = recorded.edges
    .map(([up, down]) => `${coreIdOf.get(up)} -> ${coreIdOf.get(down)}`)
    .sort();
  const expected = tasks.flatMap((t) => t.dependsOn.map((d) => `${d} -> ${t.id}`)).sort();
  expect(edges).toEqual(expected);
  for (const g of recorded.groups)
    expect(g.id.split(".").every((part) => /^[A-Za-z0-9_-]{1,200}$/.test(part))).toBe(true);
  return byCoreId;
}
