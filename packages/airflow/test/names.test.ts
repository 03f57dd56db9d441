import type { Task } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { airflowNames, dagIdFor, MAX_GROUP, MAX_KEY, shortHash } from "../src/names.ts";

const task = (id: string, namespace: string | null = null): Task => ({
  id,
  nodes: [id],
  dependsOn: [],
  namespace,
});
const KEY = /^[A-Za-z0-9_.-]+$/;

describe("dagIdFor", () => {
  it("keeps a valid pipeline name", () => {
    expect(dagIdFor("spaceflights.data-science_v2")).toBe("spaceflights.data-science_v2");
  });
  it("replaces unsafe characters, one per code point", () => {
    expect(dagIdFor('a b"c\n😀')).toBe("a_b_c__");
  });
  it("cuts long names to 250 characters ending in a hash of the full name", () => {
    const long = "p".repeat(400);
    const id = dagIdFor(long);
    expect(id).toHaveLength(MAX_KEY);
    expect(id.endsWith(`_${shortHash(long)}`)).toBe(true);
    expect(dagIdFor(`${long}x`)).not.toBe(id);
  });
});

describe("airflowNames", () => {
  it("puts namespaced tasks into nested TaskGroups and keeps their names", () => {
    const names = airflowNames([task("a"), task("ns.b", "ns"), task("ns.inner.c", "ns.inner")]);
    expect(names.groups).toEqual(["ns", "ns.inner"]);
    expect([...names.tasks.values()]).toEqual(["a", "ns.b", "ns.inner.c"]);
  });

  it("places a task named after its namespace in the parent group", () => {
    const names = airflowNames([task("ns.inner", "ns.inner"), task("top", "top")]);
    expect(names.groups).toEqual(["ns"]);
    expect([...names.tasks.values()]).toEqual(["ns.inner", "top"]);
  });

  it("replaces dots and other characters in local names, keeping them apart", () => {
    const names = airflowNames([task("tag:ml"), task("x.y"), task("x_y")]);
    // x_y is clean and keeps its name; x.y, repaired to the same text, gets a hash.
    expect(names.tasks.get("x_y")).toBe("x_y");
    expect(names.tasks.get("x.y")).toBe(`x_y_${shortHash("task\u0000x.y")}`);
    expect(names.tasks.get("tag:ml")).toBe("tag_ml");
  });

  it("never gives a task the id of a group or of a group's join nodes", () => {
    const names = airflowNames([
      task("ns.sub.a", "ns.sub"),
      task("ns"),
      task("ns.upstream_join_id", "ns"),
    ]);
    expect(names.groups).toEqual(["ns", "ns.sub"]);
    expect(names.tasks.get("ns")).not.toBe("ns");
    expect(names.tasks.get("ns.upstream_join_id")).not.toBe("ns.upstream_join_id");
    const all = [...names.groups, ...names.tasks.values()];
    expect(new Set(all).size).toBe(all.length);
  });

  it("cuts long names with a hash so full ids stay within 250 and groups within 200", () => {
    const ns = `${"n".repeat(180)}.${"m".repeat(180)}`;
    const tasks = [task(`${ns}.${"t".repeat(300)}`, ns), task(`${ns}.${"t".repeat(301)}`, ns)];
    const names = airflowNames(tasks);
    for (const g of names.groups) expect(g.length).toBeLessThanOrEqual(MAX_GROUP);
    const ids = [...names.tasks.values()];
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(MAX_KEY);
      expect(id).toMatch(KEY);
    }
    expect(new Set(ids).size).toBe(2);
    expect(airflowNames(tasks).tasks).toEqual(names.tasks);
  });

  it("folds namespaces too deep for Airflow's 200 characters into the task name", () => {
    const ns = Array.from({ length: 12 }, (_, i) => `level${i}_${"x".repeat(20)}`).join(".");
    const names = airflowNames([task(`${ns}.leaf`, ns)]);
    for (const g of names.groups) expect(g.length).toBeLessThanOrEqual(MAX_GROUP);
    const id = names.tasks.get(`${ns}.leaf`)!;
    expect(id.length).toBeLessThanOrEqual(MAX_KEY);
    expect(id.startsWith(`${names.groups.at(-1)}.`)).toBe(true);
    expect(id.slice(names.groups.at(-1)!.length + 1)).not.toContain(".");
  });

  it("is deterministic: the same tasks give the same names", () => {
    const tasks = [task("a b"), task("a_b"), task("a-b"), task("ns.é", "ns"), task("ns.è", "ns")];
    const first = airflowNames(tasks);
    expect(airflowNames(tasks)).toEqual(first);
    expect(new Set(first.tasks.values()).size).toBe(tasks.length);
  });
});
