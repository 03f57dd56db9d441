import { describe, expect, it } from "vitest";
import { HOSTILE, renameNodes } from "../../../test/support/hostile.ts";
import { compileKubeflow } from "../src/index.ts";
import { emit } from "./support/emit.ts";
import { IMAGE, smallPlan } from "./support/fixtures.ts";
import { KFP_HOSTILE } from "./support/hostile.ts";
import { foreignTags } from "./support/kfp.ts";
import { expandedEnv } from "./support/kubernetes.ts";
import { random, randomPlan } from "./support/random.ts";

const ALL = [...HOSTILE, ...KFP_HOSTILE];
/** What cannot be a command-line argument on both Kubeflow and Vertex AI (see escape.ts). */
const unsafeArg = (s: string) => s.includes("{{") || /\$[($]/.test(s);

/** A random string over characters that matter to YAML, KFP, Argo and Kubernetes. */
function randomString(rnd: () => number): string {
  const parts = [
    "{",
    "}",
    "{{",
    "$",
    "$(",
    ")",
    "'",
    '"',
    "\\",
    "\n",
    ":",
    "#",
    "-",
    "<<",
    "a",
    "Z",
    "0",
    " ",
    "é",
    "[",
    "]",
    ".",
    "{{$}}",
    "{{$.inputs.parameters['p']}}",
  ];
  return Array.from(
    { length: Math.floor(rnd() * 10) },
    () => parts[Math.floor(rnd() * parts.length)],
  ).join("");
}

describe("hostile input", () => {
  it("env values reach the container unchanged, with no tag left for KFP or Argo", () => {
    const env = Object.fromEntries(ALL.map((v, i) => [`V${i}`, v]));
    const { spec, platform, executorOf } = emit(smallPlan(), { pod: { env } });
    const received = expandedEnv(executorOf("clean").container.env);
    for (const [i, v] of ALL.entries()) expect(received[`V${i}`]).toBe(v);
    expect(foreignTags([spec, platform])).toEqual([]);
  });

  it("arguments that cannot reach both engines unchanged are refused, naming the option", () => {
    for (const s of ALL.filter(unsafeArg)) {
      for (const options of [{ pipeline: s }, { extraArgs: ["--params", s] }, { command: [s] }]) {
        expect(() => compileKubeflow(smallPlan(), { image: IMAGE, ...options })).toThrow(
          expect.objectContaining({ code: "ADAPTER_OPTION" }),
        );
      }
    }
  });

  it("arguments that can, do: pipeline name, extra args and command", () => {
    const safe = ALL.filter((s) => !unsafeArg(s) && s !== "");
    const { argv } = emit(smallPlan(), {
      pipeline: safe[0]!,
      extraArgs: safe,
      command: ["/usr/bin/env", safe[1]!],
    });
    const received = argv("clean");
    expect(received.slice(0, 2)).toEqual(["/usr/bin/env", safe[1]]);
    expect(received.slice(5, 7)).toEqual(["--pipeline", safe[0]]);
    expect(received.join("\u0000")).toContain(safe.join("\u0000"));
  });

  it("node ids: refused when unsafe, else valid names, display names and --node values", () => {
    const ids = ALL.filter((s) => s !== "");
    const plan = renameNodes(randomPlan({ nodes: ids.length, seed: 3 }), (_, i) => ids[i]!);
    expect(() => compileKubeflow(plan, { image: IMAGE })).toThrow(
      expect.objectContaining({ code: "INVALID_NAME" }),
    );
    const safe = ids.filter((s) => !unsafeArg(s));
    const okPlan = renameNodes(randomPlan({ nodes: safe.length, seed: 3 }), (_, i) => safe[i]!);
    const { tasks, argv } = emit(okPlan); // structureProblems checks names, --node values and edges
    for (const [name, t] of Object.entries(tasks)) expect(argv(name)).toContain(t.taskInfo.name);
  });

  it("groups named after hostile namespaces show them without a tag", () => {
    const plan = smallPlan();
    for (const n of plan.nodes) n.namespace = "{{$}}\nkind: Secret";
    const { tasks, spec } = emit(plan, { group: { by: "namespace" } });
    expect(Object.values(tasks).map((t) => t.taskInfo.name)).toEqual([
      "{ {$}}\nkind: Secret (5 nodes)",
    ]);
    expect(foreignTags(spec)).toEqual([]);
  });

  it("property: a random string is refused, or reaches the pod unchanged and leaves no tag", () => {
    const rnd = random(11);
    const plan = smallPlan();
    for (let round = 0; round < 200; round++) {
      const s = randomString(rnd);
      const where = Math.floor(rnd() * 3);
      const options =
        where === 0
          ? { pipeline: s }
          : where === 1
            ? { extraArgs: [s] }
            : { pod: { env: { X: s } } };
      let result: ReturnType<typeof emit> | undefined;
      try {
        result = emit(plan, options);
      } catch (e) {
        expect((e as { code?: string }).code, JSON.stringify(s)).toBe("ADAPTER_OPTION");
        expect(where === 2 || unsafeArg(s) || s === "", JSON.stringify(s)).toBe(true);
        continue;
      }
      expect(foreignTags([result.spec, result.platform])).toEqual([]);
      if (where === 2) expect(expandedEnv(result.executorOf("clean").container.env).X).toBe(s);
      else expect(result.argv("clean")).toContain(s);
    }
  });
});
