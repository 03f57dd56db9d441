import { createRequire } from "node:module";

let loaded: typeof import("node:crypto") | undefined;

/**
 * node:crypto, loaded on first use. Its module loads fifteen of Node's own, ~4 ms of a
 * command's start, and a cached `status` or `run-node` of a small project finds every hash
 * it needs in the hash memo (hash-memo.ts) and none of its random names needs it. Every
 * pipewright package reaches node:crypto through here, never by a top-level import.
 */
export function nodeCrypto(): typeof import("node:crypto") {
  loaded ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  return loaded;
}

/** @internal Whether nodeCrypto() has loaded node:crypto in this process (for tests). */
export function cryptoLoaded(): boolean {
  return loaded !== undefined;
}
