import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashBytes, hashFile, hashStream } from "../src/index.ts";
import { tempProject } from "./helpers.ts";

let project: Awaited<ReturnType<typeof tempProject>>;
beforeAll(async () => {
  project = await tempProject();
});
afterAll(() => project.remove());

const CHUNK = 4 * 1024 * 1024;

describe("content hashing (xxh3-128)", () => {
  it("matches the reference digests", async () => {
    // XXH3_128bits of "" and "hello" (xxhsum -H2).
    expect(await hashBytes(new Uint8Array())).toBe("99aa06d3014798d86001c324468d497f");
    expect(await hashBytes(new TextEncoder().encode("hello"))).toBe(
      "b5e9c1ad071b3e7fc779cfaa5e523818",
    );
  });

  it("concurrent calls do not interfere", async () => {
    const inputs = Array.from({ length: 50 }, (_, i) => new Uint8Array(1000 + i).fill(i));
    const expected = [];
    for (const b of inputs) expected.push(await hashBytes(b));
    expect(await Promise.all(inputs.map((b) => hashBytes(b)))).toEqual(expected);
  });

  it("hashFile streams and equals hashBytes, at and around chunk boundaries", async () => {
    const small = 1024 * 1024; // read whole up to here
    for (const size of [
      0,
      1,
      small - 1,
      small,
      small + 1,
      CHUNK - 1,
      CHUNK,
      CHUNK + 1,
      2 * CHUNK,
      2 * CHUNK + 7,
    ]) {
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i += 997) data[i] = (i * 31) & 255;
      const path = join(project.root, `f${size}`);
      await writeFile(path, data);
      expect(await hashFile(path), `size ${size}`).toBe(await hashBytes(data));
    }
  });

  it("hashStream equals hashBytes of the concatenation", async () => {
    const parts = [new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])];
    expect(await hashStream(Readable.from(parts))).toBe(await hashBytes(new Uint8Array([1, 2, 3])));
  });

  it("hashFile of a missing file rejects with ENOENT", async () => {
    await expect(hashFile(join(project.root, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
