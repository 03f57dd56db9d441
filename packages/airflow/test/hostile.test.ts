import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { type AirflowOptions, compileAirflow } from "../src/index.ts";
import { expectMatchesPlan } from "./check.ts";
import { HOSTILE, hostilePlan, smallPlan } from "./fixtures.ts";
import { ARGV_DUMP, PYTHON, python, runDag, scratchFile } from "./support.ts";

const nasty = HOSTILE.join("|");

/** The file's syntax tree with every string constant blanked: its shape as a program. */
function programShape(source: string): string {
  const script = [
    "import ast, sys",
    "tree = ast.parse(sys.stdin.read())",
    "for node in ast.walk(tree):",
    "    if isinstance(node, ast.Constant) and isinstance(node.value, str):",
    "        node.value = ''",
    "print(ast.dump(tree))",
  ].join("\n");
  return python(["-c", script], { input: source });
}

function kubeOptions(text: (label: string) => string): AirflowOptions {
  return {
    image: text("image"),
    namespace: text("ns"),
    serviceAccountName: text("sa"),
    pipeline: text("pipeline"),
    extraArgs: ["--params", text("param")],
    env: { VALUE: text("env") },
    storage: { cache: text("cache"), endpoint: text("endpoint"), region: text("region") },
    tags: [text("tag").slice(0, 100)],
    pool: text("pool"),
    queue: text("queue"),
  };
}

function bashOptions(text: (label: string) => string, projectDir: string): AirflowOptions {
  return {
    operator: "bash",
    projectDir,
    command: [PYTHON, ARGV_DUMP],
    pipeline: text("pipeline"),
    extraArgs: ["--params", text("param"), text("ends.sh")],
    env: { VALUE: text("env") },
    storage: { cache: text("cache") },
  };
}

describe("hostile names, params and paths", () => {
  const clean = (label: string) => label.replace(/[^a-z]/g, "x");
  const hostile = (label: string) => `${label}${nasty}`;

  it("never change the program: same syntax tree, only the string constants differ", () => {
    for (const version of [2, 3] as const) {
      const a = compileAirflow(smallPlan(), { ...kubeOptions(clean), airflowVersion: version });
      const b = compileAirflow(hostilePlan(), { ...kubeOptions(hostile), airflowVersion: version });
      expect(programShape(b)).toBe(programShape(a));
      const c = compileAirflow(smallPlan(), {
        ...bashOptions(clean, "/tmp"),
        airflowVersion: version,
      });
      const d = compileAirflow(hostilePlan(), {
        ...bashOptions(hostile, `/tmp/${nasty}`),
        airflowVersion: version,
      });
      expect(programShape(d)).toBe(programShape(c));
    }
  });

  it("emit pure-ASCII source whatever the input", () => {
    const text = compileAirflow(hostilePlan(), kubeOptions(hostile));
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
  });

  it("reach run-node unchanged through KubernetesPodOperator arguments and Jinja", () => {
    const plan = hostilePlan();
    const options = kubeOptions(hostile);
    const recorded = runDag(compileAirflow(plan, options));
    const byTask = expectMatchesPlan(plan, recorded, {
      kind: "KubernetesPodOperator",
      command: ["pipewright"],
      extraArgs: options.extraArgs!,
      pipeline: options.pipeline!,
    });
    const rendered = [...byTask.values()][0]!.rendered;
    expect(rendered.image).toBe(options.image);
    expect(rendered.namespace).toBe(options.namespace);
    expect(rendered.env_vars.VALUE).toBe(options.env!.VALUE);
    expect(rendered.env_vars.PIPEWRIGHT_CACHE).toBe(options.storage!.cache);
    expect(recorded.dags[0]!.kwargs.tags).toEqual(options.tags);
    expect(recorded.dags[0]!.kwargs.default_args.pool).toBe(options.pool);
  });

  it("reach run-node unchanged through a real bash, its environment and working directory", () => {
    const plan = hostilePlan();
    const projectDir = join(dirname(scratchFile("x")), `project ${nasty}`);
    mkdirSync(projectDir);
    const options = bashOptions(hostile, projectDir);
    const recorded = runDag(compileAirflow(plan, options), { execBash: true });
    const byTask = expectMatchesPlan(plan, recorded, {
      kind: "BashOperator",
      command: options.command!,
      extraArgs: options.extraArgs!,
      pipeline: options.pipeline!,
    });
    for (const task of byTask.values()) {
      const run = JSON.parse(task.executed!.stdout);
      expect(run.cwd).toBe(projectDir);
      expect(run.env.VALUE).toBe(options.env!.VALUE);
      expect(run.env.PIPEWRIGHT_CACHE).toBe(options.storage!.cache);
    }
  });

  it("give every task a valid, unique Airflow id, and the same ids on every compile", () => {
    const first = runDag(compileAirflow(hostilePlan(), kubeOptions(clean)));
    const second = runDag(compileAirflow(hostilePlan(), kubeOptions(clean)));
    const ids = first.tasks.map((t) => t.task_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.tasks.map((t) => t.task_id)).toEqual(ids);
    expect(first.dags[0]!.dag_id).toMatch(/^[A-Za-z0-9_.-]+$/);
    for (const g of first.groups) expect(g.id).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
