// Content hashing benchmark (issue #3): xxh3-128 (hash-wasm) over a 1 GiB file, streamed,
// and over 64 MiB in memory; sha256 from node:crypto over the same bytes as a peer. Also
// the per-call cost the runner pays for small in-memory values.
import { createHash, randomFillSync } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { DataStore, hashBytes, hashFile } from "../../packages/io/src/index.ts";
import { type BenchSection, fmtMs, timeMs } from "./types.ts";

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const gbps = (bytes: number, ms: number) => `${(bytes / 1e9 / (ms / 1000)).toFixed(2)} GB/s`;

async function writeBigFile(path: string, size: number): Promise<void> {
  const block = randomFillSync(Buffer.allocUnsafe(64 * MiB));
  const fh = await open(path, "w");
  try {
    for (let written = 0; written < size; written += block.length)
      await fh.write(block, 0, Math.min(block.length, size - written));
  } finally {
    await fh.close();
  }
}

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB }))
    h.update(chunk as Buffer);
  return h.digest("hex");
}

export async function bench(): Promise<BenchSection> {
  const rows: BenchSection["rows"] = [];
  const dir = await mkdtemp(join(tmpdir(), "pw-bench-hash-"));
  try {
    const file = join(dir, "1GiB.bin");
    await writeBigFile(file, GiB);
    const first = await timeMs(() => hashFile(file), 1);
    const warm = await timeMs(() => hashFile(file), 3);
    const sha = await timeMs(() => sha256File(file), 1);
    rows.push({
      name: "hashFile, 1 GiB file, first read after writing it",
      value: `${gbps(GiB, first)} (${fmtMs(first)})`,
      target: ">= 1 GB/s",
    });
    rows.push({
      name: "hashFile, 1 GiB file, median of 3",
      value: `${gbps(GiB, warm)} (${fmtMs(warm)})`,
      target: ">= 1 GB/s",
      peer: `sha256 (node:crypto, streamed): ${gbps(GiB, sha)}`,
    });
    await rm(file);

    const mem = randomFillSync(new Uint8Array(64 * MiB));
    const inMemory = await timeMs(() => hashBytes(mem), 5);
    const shaMem = await timeMs(() => createHash("sha256").update(mem).digest("hex"), 3);
    rows.push({
      name: "hashBytes, 64 MiB in memory",
      value: `${gbps(mem.length, inMemory)} (${fmtMs(inMemory)})`,
      peer: `sha256: ${gbps(mem.length, shaMem)}`,
    });

    const small = new TextEncoder().encode(
      JSON.stringify({ id: 42, name: "a small value", tags: ["x", "y"] }),
    );
    const calls = 100_000;
    const smallMs = await timeMs(async () => {
      for (let i = 0; i < calls; i++) await hashBytes(small);
    }, 3);
    rows.push({
      name: `hashBytes, ${small.length}-byte value`,
      value: `${((smallMs * 1000) / calls).toFixed(2)} µs/call`,
    });

    const store = new DataStore({ root: dir });
    const schema = z.object({ id: z.int(), name: z.string(), tags: z.array(z.string()) });
    const value = { id: 42, name: "a small value", tags: ["x", "y"] };
    const saves = 20_000;
    const datasets = Array.from({ length: saves }, (_, i) => ({
      id: `m${i}`,
      kind: "data" as const,
      schemaHash: "0".repeat(64),
      storage: { type: "memory" },
      producer: null,
      consumers: [],
    }));
    const saveMs = await timeMs(async () => {
      for (const d of datasets) await store.save(d, value, schema);
    }, 5);
    rows.push({
      name: "DataStore.save of a small memory value (validate + canonical hash)",
      value: `${((saveMs * 1000) / saves).toFixed(2)} µs/save`,
      target: "part of the runner's <= 50 µs/node",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    title: "Content hashing (@pipewright/io)",
    rows,
    notes: [
      "xxh3-128 from hash-wasm (WASM, one core). hashFile reads 4 MiB chunks with the next read in flight while the current chunk is hashed, so memory stays flat for any file size.",
      "GB/s are 10^9 bytes per second. The 1 GiB file is random bytes in os.tmpdir(), removed afterwards; reads after the first may come from the page cache.",
    ],
  };
}
