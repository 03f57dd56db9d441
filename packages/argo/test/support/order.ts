import type { Plan } from "@pipewright/core";
import { k8sExpand, plainEnv } from "./k8s.ts";
import { type Doc, dependenciesOf, specOf } from "./rules.ts";

/** A leaf task (one pod) as emitted: where it sits among nested DAGs, and the nodes it runs. */
interface Leaf {
  /** DAG task names from the entrypoint down to the leaf: one per level. */
  path: string[];
  /** Template names of the DAGs along the path (same length as path). */
  dags: string[];
  nodes: string[];
}

/** Node ids a leaf runs, decoded as the container will receive them, in --node order. */
function leafNodes(task: Doc, template: Doc): string[] {
  const env = plainEnv(template.container);
  const values = new Map<string, string>(
    (task.arguments?.parameters ?? []).map((p: Doc) => [p.name, p.value]),
  );
  const args: string[] = template.container.args;
  const out: string[] = [];
  args.forEach((a, i) => {
    if (args[i - 1] !== "--node") return;
    const param = /^\{\{inputs\.parameters\.([a-z0-9-]+)\}\}$/.exec(a)?.[1];
    if (param === undefined || !values.has(param))
      throw new Error(`--node ${a} is not a passed parameter`);
    out.push(k8sExpand(values.get(param)!, env));
  });
  return out;
}

/** Every leaf task reachable from the entrypoint, through DAGs nested to any depth. */
export function leaves(doc: Doc): Leaf[] {
  const spec = specOf(doc);
  const templates = new Map<string, Doc>(spec.templates.map((t: Doc) => [t.name, t]));
  const out: Leaf[] = [];
  const walk = (dag: Doc, path: string[], dags: string[]) => {
    for (const task of dag.dag.tasks) {
      const t = templates.get(task.template)!;
      if (t.dag) walk(t, [...path, task.name], [...dags, dag.name]);
      else
        out.push({
          path: [...path, task.name],
          dags: [...dags, dag.name],
          nodes: leafNodes(task, t),
        });
    }
  };
  walk(templates.get(spec.entrypoint)!, [], []);
  return out;
}

/** Transitive `depends` closure of each task of a DAG template. */
function closure(dag: Doc): Map<string, Set<string>> {
  const direct = new Map<string, string[]>(
    dag.dag.tasks.map((t: Doc) => [t.name, dependenciesOf(t)]),
  );
  const memo = new Map<string, Set<string>>();
  const visit = (n: string): Set<string> => {
    let s = memo.get(n);
    if (s) return s;
    s = new Set<string>();
    memo.set(n, s);
    for (const d of direct.get(n) ?? []) {
      s.add(d);
      for (const x of visit(d)) s.add(x);
    }
    return s;
  };
  for (const n of direct.keys()) visit(n);
  return memo;
}

/**
 * Problems with the emitted order against the plan: a node missing or run twice, a plan
 * edge whose producer is not guaranteed to be done before its consumer starts, or two
 * nodes of one pod passed out of order. Empty when the manifest is correct.
 *
 * A leaf U is done before leaf V starts exactly when, in the deepest DAG template holding
 * both, the task on U's path is in the transitive `depends` of the task on V's path.
 */
export function orderProblems(doc: Doc, plan: Plan): string[] {
  const problems: string[] = [];
  const spec = specOf(doc);
  const templates = new Map<string, Doc>(spec.templates.map((t: Doc) => [t.name, t]));
  const closures = new Map<string, Map<string, Set<string>>>();
  const closureOf = (name: string) => {
    let c = closures.get(name);
    if (!c) {
      c = closure(templates.get(name)!);
      closures.set(name, c);
    }
    return c;
  };
  const all = leaves(doc);
  const leafOf = new Map<string, Leaf>();
  const position = new Map<string, number>();
  for (const leaf of all) {
    leaf.nodes.forEach((n, i) => {
      if (leafOf.has(n)) problems.push(`node ${n} runs twice`);
      leafOf.set(n, leaf);
      position.set(n, i);
    });
  }
  for (const n of plan.order) if (!leafOf.has(n)) problems.push(`node ${n} never runs`);
  for (const ds of plan.datasets) {
    if (ds.producer === null) continue;
    const u = leafOf.get(ds.producer);
    for (const consumer of ds.consumers) {
      const v = leafOf.get(consumer);
      if (!u || !v) continue;
      if (u === v) {
        if (position.get(ds.producer)! > position.get(consumer)!)
          problems.push(`${ds.producer} passed after ${consumer} in one pod`);
        continue;
      }
      let level = 0;
      while (u.path[level] === v.path[level]) level++;
      const before = closureOf(v.dags[level]!).get(v.path[level]!);
      if (!before?.has(u.path[level]!))
        problems.push(`${ds.producer} -> ${consumer} (${ds.id}) is not ordered`);
    }
  }
  return problems;
}
