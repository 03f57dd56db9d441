import { createRequire } from "node:module";

/**
 * A log frame's checksum: CRC-32 (IEEE), the value of zlib.crc32. A process's first
 * 32 KiB are summed here in JavaScript: loading node:zlib costs every command that opens
 * the cache ~1 ms, more than checking a young project's whole log this way. Past that,
 * zlib's native sum is faster, and is loaded.
 */
export function crc32(bytes: Uint8Array): number {
  if (native === undefined && summed + bytes.length <= IN_SCRIPT_BYTES) {
    summed += bytes.length;
    return crc32InScript(bytes);
  }
  native ??= (createRequire(import.meta.url)("node:zlib") as typeof import("node:zlib")).crc32;
  return native(bytes);
}

const IN_SCRIPT_BYTES = 32 * 1024;
let summed = 0;
let native: ((bytes: Uint8Array) => number) | undefined;

/** The table-driven CRC-32 (reflected, polynomial 0xEDB88320), unsigned. */
export function crc32InScript(bytes: Uint8Array): number {
  table ??= makeTable();
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

let table: Int32Array | undefined;
function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}
