// prepareHashing starts the one hasher hashBytes uses (its WebAssembly compiled once, in
// the background, while a command loads its project): a second compile, or a hashBytes
// that did not take the prepared hasher, would lose what it is for.
import { describe, expect, it, vi } from "vitest";

describe("prepareHashing", () => {
  it("compiles the hasher once, before the first hash, and hashBytes uses it", async () => {
    vi.resetModules();
    const compiled = vi.fn();
    vi.doMock("hash-wasm", async (original) => {
      const real = await original<typeof import("hash-wasm")>();
      return {
        ...real,
        createXXHash128: () => {
          compiled();
          return real.createXXHash128();
        },
      };
    });
    try {
      const { hashBytes, prepareHashing } = await import("../src/hash.ts");
      prepareHashing();
      expect(compiled).toHaveBeenCalledTimes(1);
      prepareHashing();
      expect(await hashBytes(new TextEncoder().encode("hello"))).toBe(
        "b5e9c1ad071b3e7fc779cfaa5e523818",
      );
      await hashBytes(new Uint8Array());
      expect(compiled).toHaveBeenCalledTimes(1);
    } finally {
      vi.doUnmock("hash-wasm");
      vi.resetModules();
    }
  });
});
