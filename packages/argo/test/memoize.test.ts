import { describe, expect, it } from "vitest";
import { compileArgo } from "../src/index.ts";
import { smallPlan } from "./support/fixtures.ts";
import { emit, IMAGE } from "./support/manifest.ts";

const memoize = { maxAge: "24h" };

function keys(plan = smallPlan()): Map<string, string> {
  const { tasks, param } = emit(plan, { memoize });
  return new Map(tasks.map((t) => [t.name, param(t, "memo-key")!]));
}

describe("memoize", () => {
  it("caches on a hex key per task, in a config map, for maxAge", () => {
    const { templates } = emit(smallPlan(), {
      memoize: { maxAge: "12h30m", configMap: "my-memo" },
    });
    expect(templates.get("run-node")!.memoize).toEqual({
      key: "{{inputs.parameters.memo-key}}",
      maxAge: "12h30m",
      cache: { configMap: { name: "my-memo" } },
    });
    for (const key of keys().values()) expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(
      emit(smallPlan(), { memoize }).templates.get("run-node")!.memoize.cache.configMap.name,
    ).toBe("pipewright-memoize");
  });

  it("is off by default", () => {
    const { templates, tasks } = emit(smallPlan());
    expect(templates.get("run-node")!.memoize).toBeUndefined();
    for (const t of tasks)
      expect(t.arguments.parameters.map((p: { name: string }) => p.name)).not.toContain("memo-key");
    expect(
      emit(smallPlan(), { memoize: false }).templates.get("run-node")!.memoize,
    ).toBeUndefined();
  });

  it("changes the key of a task and everything downstream when a node changes, and nothing else", () => {
    const before = keys();
    const changed = smallPlan();
    changed.nodes.find((n) => n.id === "featurize")!.cacheKey = "0".repeat(64);
    const after = keys(changed);
    const moved = [...before.keys()].filter((k) => before.get(k) !== after.get(k)).sort();
    expect(moved).toEqual(["featurize", "report", "science-train"]);
  });

  it("takes every unit Go's time.ParseDuration takes, µs among them", () => {
    for (const maxAge of ["300ms", "1.5h", "2h45m", "10us", "10µs", "10ns"])
      expect(() => compileArgo(smallPlan(), { image: IMAGE, memoize: { maxAge } })).not.toThrow();
  });

  it("rejects a maxAge Argo cannot parse", () => {
    expect(() => compileArgo(smallPlan(), { image: IMAGE, memoize: { maxAge: "1 day" } })).toThrow(
      /memoize\.maxAge "1 day" is not a Go duration/,
    );
  });
});
