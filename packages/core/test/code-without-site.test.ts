// A node built where no stack names a project file (code made by eval or new Function, run
// from a timer) has no definition site: its fingerprint is its own function's text. Nodes
// without sites must not share one fingerprint, or editing one would keep its cache key.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compile, dataset, type Node, node, pipeline } from "../src/index.ts";

const a = dataset("a", z.number());
const b = dataset("b", z.number());
const c = dataset("c", z.number());

/**
 * Two nodes declared by code with no file of its own, which the timer calls itself: no frame
 * of a project file is on node()'s stack.
 */
function siteless(factor: number): Promise<Node[]> {
  const make = new Function(
    "node",
    "a",
    "b",
    "c",
    "done",
    `done([
      node({ name: "one", inputs: { a }, outputs: { b }, run: ({ a }) => ({ b: a + 1 }) }),
      node({ name: "two", inputs: { b }, outputs: { c }, run: ({ b }) => ({ c: b * ${factor} }) }),
    ]);`,
  ) as (...args: unknown[]) => void;
  return new Promise((done) => setTimeout(make, 0, node, a, b, c, done));
}

const planOf = async (factor: number) =>
  compile(pipeline(await siteless(factor)), { root: import.meta.dirname });

describe("nodes without a definition site", () => {
  it("are fingerprinted by their own function, each its own", async () => {
    const plan = await planOf(1000);
    const [one, two] = plan.nodes;
    expect(one!.location ?? null).toBeNull();
    expect(two!.location ?? null).toBeNull();
    // Each node's code table entry holds its own function's hash.
    expect(one!.codeHash).not.toBe(two!.codeHash);
    const edited = await planOf(7);
    // Editing node two's function changes its key, and only its.
    expect(edited.nodes[1]!.codeHash).not.toBe(two!.codeHash);
    expect(edited.nodes[1]!.cacheKey).not.toBe(two!.cacheKey);
    expect(edited.nodes[0]!.codeHash).toBe(one!.codeHash);
  });
});
