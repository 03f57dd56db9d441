import fs from "node:fs";

/**
 * node:fs/promises, loaded on first call instead of when this package loads. Loading it
 * costs a command ~2 ms (it brings Node's file watchers, readline and directory streams),
 * and a cached `status` or `run-node` started from the CLI's start-up image calls none of
 * it. (An ES module import of node:fs loads it anyway, through the getters of the
 * built-in's facade; the image is CommonJS, where `fs.promises` is a getter read here.)
 */
export function fsp(): typeof fs.promises {
  return fs.promises;
}
