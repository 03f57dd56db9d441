import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CompileError, compile, dataset, ErrorCode, node, pipeline } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type AirflowOptions, compileAirflow } from "../src/index.ts";
import { largePlan, smallPlan } from "./fixtures.ts";
import { expectGolden, pyCompile, python } from "./support.ts";

const golden = (name: string) => join(dirname(fileURLToPath(import.meta.url)), "golden", name);

const VARIANTS: [string, AirflowOptions][] = [
  [
    "small-airflow3-kubernetes.py",
    {
      image: "registry.example.com/small:1.0",
      namespace: "data",
      storage: { cache: "s3://bucket/cache", credentialsSecret: "s3-credentials" },
    },
  ],
  [
    "small-airflow2-kubernetes.py",
    {
      airflowVersion: 2,
      image: "registry.example.com/small:1.0",
      namespace: "data",
      storage: { cache: "s3://bucket/cache", credentialsSecret: "s3-credentials" },
    },
  ],
  [
    "small-airflow3-bash.py",
    {
      operator: "bash",
      projectDir: "/opt/airflow/projects/small",
      storage: { cache: "/var/cache/pipewright" },
    },
  ],
  [
    "small-airflow2-bash.py",
    {
      airflowVersion: 2,
      operator: "bash",
      projectDir: "/opt/airflow/projects/small",
      storage: { cache: "/var/cache/pipewright" },
    },
  ],
];

describe("compileAirflow", () => {
  for (const [file, options] of VARIANTS) {
    it(`matches the golden file ${file}, which python3 compiles`, () => {
      const text = compileAirflow(smallPlan(), options);
      pyCompile(text);
      expectGolden(text, golden(file));
    });
  }

  it("is deterministic: the same plan and options give the same bytes", () => {
    const options = VARIANTS[0]![1];
    expect(compileAirflow(smallPlan(), options)).toBe(compileAirflow(smallPlan(), options));
  });

  it("emits a table and one loop, not a statement per task", () => {
    const text = compileAirflow(largePlan(300, 50), { image: "img" });
    expect(text.match(/KubernetesPodOperator\(/g)).toHaveLength(1);
    expect(text.match(/TaskGroup\(/g)).toHaveLength(1);
    // Each task is one line of the table.
    expect(text.split("\n").filter((l) => l.startsWith("    '[")).length).toBe(300);
    expect(
      python(["-c", "import ast, sys; ast.parse(sys.stdin.read()); print('ok')"], {
        input: text,
      }).trim(),
    ).toBe("ok");
  });

  it("refuses in-memory datasets that would cross a task boundary, and fuses them on request", () => {
    const a = dataset("a", z.number());
    const b = dataset("b", z.number());
    const plan = compile(
      pipeline([
        node({ name: "one", outputs: { a }, run: () => ({ a: 1 }) }),
        node({ name: "two", inputs: { a }, outputs: { b }, run: ({ a }) => ({ b: a + 1 }) }),
      ]),
      { name: "memory" },
    );
    expect(() => compileAirflow(plan, { image: "img" })).toThrow(
      expect.objectContaining({ code: ErrorCode.MEMORY_CROSSES_TASK }),
    );
    const fused = compileAirflow(plan, { image: "img", group: { by: "memory" } });
    expect(fused).toContain(`'["one", ["one", "two"], [], null, null, null, 0]'`);
  });

  it("names the node whose resources are not Kubernetes quantities", () => {
    const plan = smallPlan();
    const broken = {
      ...plan,
      nodes: plan.nodes.map((n) => (n.id === "train" ? { ...n, resources: { cpu: "two" } } : n)),
    };
    try {
      compileAirflow(broken, { image: "img" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CompileError);
      expect((error as CompileError).code).toBe(ErrorCode.INVALID_PLAN);
      expect((error as CompileError).message).toMatch(
        /node "train" \(.*small-plan\.ts:\d+\): resources.cpu "two" is not a Kubernetes quantity/,
      );
    }
    // The bash operator has no use for resources, so it does not check them.
    expect(() => compileAirflow(broken, { operator: "bash", projectDir: "/p" })).not.toThrow();
  });
});
