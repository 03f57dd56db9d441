import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataset, node, partitioned, partitions, pipeline } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { run, tempProject } from "./helpers.ts";

// A normal (non-map) node that writes a whole partitioned dataset, and a map node reading it.
const days = dataset("days", z.array(z.string()));
const byDay = partitioned("by_day", z.object({ day: z.string() }));
const echoed = partitioned("echoed", z.object({ day: z.string() }));
let calls: string[] = [];
const split = node({
  name: "split",
  inputs: { days },
  outputs: { byDay },
  run: ({ days }) => {
    calls.push("split");
    return { byDay: partitions(Object.fromEntries(days.map((d) => [d, { day: d }]))) };
  },
});
const echo = node.map({
  name: "echo",
  over: { v: byDay },
  outputs: { echoed },
  run: ({ v }, { partition }) => {
    calls.push(`echo:${partition}`);
    return { echoed: v };
  },
});
const p = pipeline([split, echo]);
const entries = {
  days: { type: "json", path: "data/days.json" },
  by_day: { type: "json", path: "data/by_day/" },
  echoed: { type: "json", path: "data/echoed/" },
};

const project = () => tempProject();

async function runWith(root: string, list: string[]) {
  mkdirSync(join(root, "data"), { recursive: true });
  writeFileSync(join(root, "data/days.json"), JSON.stringify(list));
  calls = [];
  const r = await run(p, root, { entries });
  const status = Object.fromEntries(r.record.nodes.map((n) => [n.name, n.status]));
  return { r, status, calls: [...calls] };
}

describe("a normal node writing a partitioned dataset", () => {
  it("is a cache hit when its inputs and every stored partition are unchanged", async () => {
    const root = project();
    const first = await runWith(root, ["d1", "d2"]);
    expect(first.status).toEqual({ split: "ran", echo: "ran" });
    const again = await runWith(root, ["d1", "d2"]);
    expect(again.status).toEqual({ split: "cached", echo: "cached" });
    expect(again.calls).toEqual([]);
    expect(again.r.record.nodes[0]!.outputs.by_day).toBe(first.r.record.nodes[0]!.outputs.by_day);
  });

  it("runs again when a partition was changed, removed or added since", async () => {
    const root = project();
    await runWith(root, ["d1", "d2"]);
    const dir = join(root, "data/by_day");
    const edits: (() => void)[] = [
      () => writeFileSync(join(dir, "d1.json"), JSON.stringify({ day: "changed" })),
      () => rmSync(join(dir, "d2.json")),
      () => writeFileSync(join(dir, "d9.json"), JSON.stringify({ day: "d9" })),
    ];
    for (const edit of edits) {
      edit();
      const after = await runWith(root, ["d1", "d2"]);
      expect(after.status.split).toBe("ran");
      // The node rewrote the collection: exactly its partitions, as it returned them.
      expect(readdirSync(dir).sort()).toEqual(["d1.json", "d2.json"]);
      expect((await runWith(root, ["d1", "d2"])).status.split).toBe("cached");
    }
  });

  it("runs again when its input changes, and readers see the new partitions", async () => {
    const root = project();
    await runWith(root, ["d1"]);
    const after = await runWith(root, ["d1", "d2"]);
    expect(after.status.split).toBe("ran");
    expect(after.calls).toEqual(["split", "echo:d2"]);
  });
});

describe("a normal node reading a partitioned free input whole (fan-in)", () => {
  const raw = partitioned("raw", z.object({ n: z.number() }));
  const sum = dataset("sum", z.number());
  let ran = 0;
  const total = node({
    name: "total",
    inputs: { raw },
    outputs: { sum },
    run: async ({ raw }) => {
      ran++;
      let s = 0;
      for await (const [, v] of raw) s += v.n;
      return { sum: s };
    },
  });
  const fanIn = pipeline([total]);
  const e = {
    raw: { type: "json", path: "data/raw/" },
    sum: { type: "json", path: "data/sum.json" },
  };

  it("is keyed by the collection hash: cached while no partition changes, run when one does", async () => {
    const root = tempProject();
    mkdirSync(join(root, "data/raw"), { recursive: true });
    writeFileSync(join(root, "data/raw/a.json"), JSON.stringify({ n: 1 }));
    writeFileSync(join(root, "data/raw/b.json"), JSON.stringify({ n: 2 }));
    ran = 0;
    const first = await run(fanIn, root, { entries: e });
    expect(first.record.nodes[0]!.inputs.raw).toMatch(/^[0-9a-f]+$/);
    expect((await run(fanIn, root, { entries: e })).record.nodes[0]!.status).toBe("cached");
    writeFileSync(join(root, "data/raw/b.json"), JSON.stringify({ n: 5 }));
    expect((await run(fanIn, root, { entries: e })).record.nodes[0]!.status).toBe("ran");
    expect(ran).toBe(2);
  });
});
