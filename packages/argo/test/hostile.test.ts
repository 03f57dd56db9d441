import { describe, expect, it } from "vitest";
import { HOSTILE, renameNodes } from "../../../test/support/hostile.ts";
import { compileArgo } from "../src/index.ts";
import { smallPlan } from "./support/fixtures.ts";
import { k8sExpand, plainEnv } from "./support/k8s.ts";
import { emit, IMAGE } from "./support/manifest.ts";
import { orderProblems } from "./support/order.ts";
import { randomPlan } from "./support/random.ts";
import type { Doc } from "./support/rules.ts";

/** Every string value in a document, keys included. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

/** Template tags pipewright writes on purpose; any other "{{" would be evaluated by Argo. */
const OURS = /\{\{(inputs\.parameters\.[a-z0-9-]+|workflow\.uid)\}\}/g;

function expectNoForeignTags(doc: Doc): void {
  const foreign = strings(doc).filter((s) => s.replace(OURS, "").includes("{{"));
  expect(foreign).toEqual([]);
}

const TASK_KEYS = ["arguments", "depends", "name", "template"];

describe("hostile input", () => {
  const ids = HOSTILE.filter((s) => s !== "");

  it("node ids: valid YAML and manifest, no injected keys, ids reach run-node intact", () => {
    const plan = renameNodes(randomPlan({ nodes: ids.length, seed: 3 }), (_, i) => ids[i]!);
    const { doc, tasks } = emit(plan);
    expect(Object.keys(doc).sort()).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    for (const t of tasks) expect(TASK_KEYS).toEqual(expect.arrayContaining(Object.keys(t)));
    expect(new Set(tasks.map((t) => t.name)).size).toBe(ids.length);
    // orderProblems decodes each --node the way the kubelet will, and compares with the plan.
    expect(orderProblems(doc, plan)).toEqual([]);
    expectNoForeignTags(doc);
  });

  it("node ids in a group: display names cannot carry a template tag either", () => {
    const plan = renameNodes(smallPlan(), (id) => `{{workflow.name}}.${id}\n"x": y`);
    const { doc, tasks, param } = emit(plan, { group: { by: "tag" } });
    const group = tasks.find((t) => t.template === "run-nodes-2")!;
    expect(param(group, "display-name")).toBe("tag:prep (2 nodes)");
    expect(orderProblems(doc, plan)).toEqual([]);
    expectNoForeignTags(doc);
  });

  it("namespaces used as group names", () => {
    const plan = smallPlan();
    for (const n of plan.nodes) n.namespace = "{{=1+1}}\nkind: Secret";
    const { doc, tasks, param } = emit(plan, { group: { by: "namespace" } });
    expect(tasks).toHaveLength(1);
    expect(param(tasks[0]!, "display-name")).toBe("{ {=1+1}}\nkind: Secret (5 nodes)");
    expect(tasks[0]!.name).toMatch(/^n-1-1-kind-secret$/);
    expectNoForeignTags(doc);
  });

  it("pipeline name, extra args and env values reach the container unchanged", () => {
    const plan = smallPlan();
    plan.pipeline = HOSTILE[1]!;
    const env = Object.fromEntries(HOSTILE.map((v, i) => [`V${i}`, v]));
    const { doc, templates } = emit(plan, { pipeline: HOSTILE[9]!, extraArgs: HOSTILE, env });
    const container = templates.get("run-node")!.container;
    const containerEnv = plainEnv(container);
    const received = container.args.map((a: string) => k8sExpand(a, containerEnv));
    expect(received.slice(0, 3)).toEqual(["run-node", "--pipeline", HOSTILE[9]]);
    expect(received.slice(-HOSTILE.length)).toEqual(HOSTILE);
    for (const [i, v] of HOSTILE.entries()) expect(containerEnv[`V${i}`]).toBe(v);
    expect(doc.metadata.generateName).toBe("line-one-key-injected-");
    expectNoForeignTags(doc);
  });

  it("labels, annotations and names that Kubernetes would reject are refused, not mangled", () => {
    expect(() => compileArgo(smallPlan(), { image: IMAGE, namespace: "ns\nkind: Secret" })).toThrow(
      /namespace/,
    );
    expect(() => compileArgo(smallPlan(), { image: IMAGE, labels: { team: "a\nb" } })).toThrow(
      /is not a label value/,
    );
    expect(() => compileArgo(smallPlan(), { image: IMAGE, annotations: { "x\ny": "z" } })).toThrow(
      /is not a valid key/,
    );
    expect(() =>
      compileArgo(smallPlan(), { image: IMAGE, serviceAccountName: "{{workflow.name}}" }),
    ).toThrow(/serviceAccountName/);
  });

  it("annotation values keep quotes, newlines and unicode", () => {
    const note = HOSTILE.filter((s) => !s.includes("{{")).join("\n");
    const { doc } = emit(smallPlan(), { annotations: { "example.com/note": note } });
    expect(doc.metadata.annotations["example.com/note"]).toBe(note);
  });
});
