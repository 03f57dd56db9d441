// Map nodes fan out (docs/partitions.md): a listing task writing the batches as a LIST
// output, a ParallelFor over them whose one task runs `run-node --batch <item>`, and the
// tasks downstream waiting for the ParallelFor (the fan-in). Checked structurally on random
// DAGs with map nodes, in every grouping mode and on both engines; goldens for one shape.
import { join } from "node:path";
import { compile, node, param, partitioned, pipeline } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileKubeflow } from "../src/index.ts";
import { emit } from "./support/emit.ts";
import { IMAGE, ROOT, s3Catalog } from "./support/fixtures.ts";
import { launch, parse, resolve, structureProblems } from "./support/kfp.ts";
import { randomMapPlan } from "./support/map-plan.ts";

const golden = (name: string) => join(import.meta.dirname, "golden", name);

describe("fan-out of map nodes", () => {
  it("lists, loops over the batches, and runs each batch with run-node --batch", () => {
    const plan = randomMapPlan({ nodes: 4, seed: 1 });
    const { spec, tasks, argv } = emit(plan, { fanOut: { maxBatches: 7, parallelism: 3 } });
    expect(Object.keys(tasks)).toEqual(["m2-list", "m2", "n0", "n1", "m3-list", "m3"]);
    expect(argv("m2-list").slice(-4)).toEqual([
      "--fan-out",
      "7",
      "--out",
      "{{$.outputs.parameters['pipewright_batches'].output_file}}",
    ]);
    const loop = tasks.m2!;
    expect(loop.parameterIterator).toEqual({
      items: { inputParameter: "pipewright_batches" },
      itemInput: "pipewright_batch",
    });
    expect(loop.iteratorPolicy).toEqual({ parallelismLimit: 3 });
    const inner = spec.components[loop.componentRef.name].dag.tasks.m2;
    const exec =
      spec.deploymentSpec.executors[spec.components[inner.componentRef.name].executorLabel];
    const args = launch(exec, resolve(inner, { pipewright_batch: "2/7@0123456789abcdef" }));
    expect(args.slice(-2)).toEqual(["--batch", "2/7@0123456789abcdef"]);
    expect(args).toContain("run-1");
    // m3 maps over m2's output and reads n1's: its listing waits for both, never m2-list.
    expect(tasks["m3-list"]!.dependentTasks).toEqual(["m2", "n1"]);
  });

  it("a runtime list param mapped over reaches the listing and every batch", () => {
    const regions = param("regions", z.array(z.string()), { runtime: true });
    const models = partitioned("models", z.number());
    const plan = compile(
      pipeline([
        node.map({
          name: "train",
          over: { region: regions },
          outputs: { models },
          run: () => ({ models: 1 }),
        }),
      ]),
      { catalog: s3Catalog, params: { regions: ["eu", "us"] }, root: ROOT },
    );
    const { spec, tasks, argv } = emit(plan);
    expect(Object.keys(spec.root.inputDefinitions.parameters)).toEqual(["regions"]);
    expect(argv("train-list")).toContain('regions=["eu","us"]');
    expect(tasks.train!.inputs.parameters.regions).toEqual({ componentInputParameter: "regions" });
    const inner = spec.components[tasks.train!.componentRef.name].dag.tasks.train;
    expect(inner.inputs.parameters.regions).toEqual({ componentInputParameter: "regions" });
  });

  it("without a parallelism setting, iterations are not limited", () => {
    const { tasks } = emit(randomMapPlan({ nodes: 4, seed: 1 }));
    expect(tasks.m2!.iteratorPolicy).toBeUndefined();
  });

  it("random DAGs with map nodes, in every grouping mode and on both engines", () => {
    for (let seed = 0; seed < 30; seed++) {
      const plan = randomMapPlan({ nodes: 2 + (seed % 25), seed, window: 1 + (seed % 4) });
      for (const group of [{}, { by: "memory" as const }])
        for (const engine of ["kubeflow", "vertex"] as const) {
          const text = compileKubeflow(plan, { image: IMAGE, group, engine, kfpCache: true });
          expect(structureProblems(text, plan), `seed ${seed}`).toEqual([]);
          const loops = Object.values(parse(text).spec.root.dag.tasks).filter(
            (t: any) => t.parameterIterator,
          );
          expect(loops).toHaveLength(plan.nodes.filter((n) => n.map).length);
        }
    }
  });

  it("the checker catches a fan-in that waits for the listing instead of the loop", () => {
    const plan = randomMapPlan({ nodes: 6, seed: 2 });
    const text = compileKubeflow(plan, { image: IMAGE });
    const broken = text.replace(/(dependentTasks:\n\s+- )(m\d+)\n/, "$1$2-list\n");
    expect(broken).not.toBe(text);
    expect(structureProblems(broken, plan).join("\n")).toMatch(
      /waits for the listing m\d+-list, not for its loop/,
    );
  });

  it("refuses more batches than the limit, and bad fan-out options", () => {
    const plan = randomMapPlan({ nodes: 3, seed: 1 });
    expect(() => compileKubeflow(plan, { image: IMAGE, fanOut: { maxBatches: 5000 } })).toThrow(
      /fanOut.maxBatches must be at most 1000/,
    );
    expect(() =>
      compileKubeflow(plan, { image: IMAGE, fanOut: { parallelism: 0, batches: 2 } as never }),
    ).toThrow(/fanOut.batches is not an option[\s\S]*fanOut.parallelism must be an integer >= 1/);
  });

  it("golden: a map-node pipeline on Kubeflow", async () => {
    const plan = randomMapPlan({ nodes: 4, seed: 1 });
    const text = compileKubeflow(plan, {
      image: IMAGE,
      fanOut: { maxBatches: 20, parallelism: 5 },
      retries: 1,
      pod: { nodeSelector: { pool: "batch" } },
    });
    await expect(text).toMatchFileSnapshot(golden("map-kubeflow.yaml"));
  });
});
