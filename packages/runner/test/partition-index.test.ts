import { describe, expect, it, vi } from "vitest";
import { openCacheBackend } from "../src/cache/backend.ts";
import { PartitionIndex } from "../src/cache/partition-index.ts";
import { tempProject } from "./helpers.ts";

const entry = (name: string) => ({ name, outputs: { out: { hash: `h-${name}`, size: 1 } } });

describe("partition index", () => {
  it("two runs saving at once keep each other's new entries", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    const first = await PartitionIndex.open(backend, "n");
    first.use("a", "ka", entry("a"));
    await first.save("s");
    const one = await PartitionIndex.open(backend, "n");
    const two = await PartitionIndex.open(backend, "n");
    one.use("a", "ka");
    one.use("b", "kb", entry("b"));
    two.use("a", "ka");
    two.use("c", "kc", entry("c"));
    await one.save("s");
    await two.save("s");
    const after = await PartitionIndex.open(backend, "n");
    expect(after.get("ka")).toEqual(entry("a"));
    expect(after.get("kb")).toEqual(entry("b"));
    expect(after.get("kc")).toEqual(entry("c"));
  });

  it("a run that changed nothing does not rewrite the index", async () => {
    const root = tempProject();
    const backend = openCacheBackend(".pipewright/cache", root);
    const first = await PartitionIndex.open(backend, "n");
    first.use("a", "ka", entry("a"));
    await first.save("s");
    const write = vi.spyOn(backend, "write");
    const again = await PartitionIndex.open(backend, "n");
    again.use("a", "ka");
    await again.save("s");
    expect(write).not.toHaveBeenCalled();
    const other = await PartitionIndex.open(backend, "n");
    other.use("a", "ka");
    await other.save("s2"); // the node's static key changed: written
    expect(write).toHaveBeenCalledTimes(1);
  });
});
