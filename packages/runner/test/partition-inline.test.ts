import { DataStore, hashBytes } from "@pipewright/io";
import { describe, expect, it } from "vitest";
import type { Execution } from "../src/exec/execution.ts";
import { PartitionData } from "../src/exec/partition-data.ts";
import { tempProject } from "./helpers.ts";

function parts(): PartitionData {
  const root = tempProject();
  return new PartitionData({ data: { store: new DataStore({ root }) }, o: { root } } as Execution);
}
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("inline partitions kept from a partition index", () => {
  it("text vouched for by a checksummed index loads without a second hash check", async () => {
    const hash = await hashBytes(new TextEncoder().encode('{"n":1}'));
    const p = parts();
    // What the index's checksum vouches for is taken as the hash's bytes, as stored.
    p.keepInline(hash, b64('{"n":1}'), true);
    expect(Buffer.from((await p.inlineBytes(hash))!).toString()).toBe('{"n":1}');
    // The proof that no check runs: vouched text is returned as is.
    const q = parts();
    q.keepInline(hash, b64('{"n":2}'), true);
    expect(Buffer.from((await q.inlineBytes(hash))!).toString()).toBe('{"n":2}');
  });

  it("unvouched text is checked on load and never replaces vouched text", async () => {
    const hash = await hashBytes(new TextEncoder().encode('{"n":1}'));
    const p = parts();
    p.keepInline(hash, b64('{"n":2}'), false);
    expect(await p.inlineBytes(hash)).toBeUndefined();
    const q = parts();
    q.keepInline(hash, b64('{"n":1}'), true);
    q.keepInline(hash, b64('{"n":2}'), false);
    expect(Buffer.from((await q.inlineBytes(hash))!).toString()).toBe('{"n":1}');
  });
});
