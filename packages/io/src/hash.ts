import { readFileSync, statSync } from "node:fs";
import { createXXHash128, type IHasher } from "hash-wasm";
import { fsp } from "./fs-promises.ts";

// xxh3-128 in WASM hashes at several GB/s on one core, well above disk speed; BLAKE3 from
// the same package is ~0.8 GB/s here. Content hashes detect change, they are not a
// security boundary, so the faster non-cryptographic hash is the right trade.
let shared: Promise<IHasher> | undefined;

/** Bytes per read when streaming a file: big enough to amortise syscalls, small enough to stay in cache. */
const CHUNK = 4 * 1024 * 1024;
/** Files up to this size are hashed from one synchronous read (see hashFile). */
const SMALL_FILE = 1024 * 1024;

/**
 * Starts compiling the hash function's WebAssembly, in the background, without waiting:
 * a command that will hash calls it first thing, so the compile (~5 ms, resolved only
 * when the event loop turns) overlaps loading and compiling the project instead of
 * holding up the first hash.
 */
export function prepareHashing(): void {
  shared ??= createXXHash128();
  // Failures surface at the first hash, which awaits the same promise.
  shared.catch(() => {});
}

/**
 * The content hash of some bytes: xxh3-128, as 32 hex digits.
 *
 * @example
 * await hashBytes(new TextEncoder().encode("hello")) // "b5e9c1ad071b3e7fc779cfaa5e523818"
 */
export async function hashBytes(data: Uint8Array): Promise<string> {
  shared ??= createXXHash128();
  const h = await shared;
  // No await between init and digest, so concurrent callers cannot interleave on `h`.
  h.init();
  h.update(data);
  return h.digest("hex");
}

/**
 * The content hash of a stream of chunks (an S3 body, a file stream); same digest as
 * hashBytes of the concatenated bytes.
 */
export async function hashStream(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const h = await createXXHash128();
  h.init();
  for await (const chunk of chunks) h.update(chunk);
  return h.digest("hex");
}

/**
 * The content hash of a file: same digest as hashBytes of the file's bytes. Up to 1 MiB
 * read at once; larger files in 4 MiB chunks (never the whole file in memory), the next
 * chunk read while the current one is hashed, so disk and CPU overlap.
 *
 * @example
 * await hashFile("data/01_raw/companies.csv")
 */
export async function hashFile(path: string): Promise<string> {
  // A small file (most inputs and outputs) is read whole, synchronously: one read instead
  // of open, read, read and close through the thread pool, each a round trip the event
  // loop waits for (a cached `status` hashes every input and output), and no 4 MiB
  // buffers, whose external memory makes V8 run a full garbage collection.
  if (statSync(path).size <= SMALL_FILE) return hashBytes(readFileSync(path));
  const fh = await fsp().open(path, "r");
  try {
    const h = await createXXHash128();
    h.init();
    let buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const;
    let pending = fh.read(buffers[0], 0, CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = buffers[0];
      buffers = [buffers[1], buffers[0]];
      pending = fh.read(buffers[0], 0, CHUNK, null);
      h.update(current.subarray(0, bytesRead));
    }
    return h.digest("hex");
  } finally {
    await fh.close();
  }
}
