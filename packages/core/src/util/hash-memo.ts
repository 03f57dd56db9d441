import { readFileSync, rmSync } from "node:fs";
import { writeFileAtomic } from "./atomic.ts";
import { nodeCrypto } from "./node-crypto.ts";

type Algorithm = "sha256" | "sha1";

/**
 * Hashes of texts a command hashed before, by the text itself: a pure function's memo, so
 * an entry can never be stale. A cached `status` or `run-node` of a small project hashes
 * the same few dozen texts every time (schemas, each node's key, conf files); found here,
 * they spare loading node:crypto (~4 ms, see node-crypto.ts). Used only once a command
 * has named its file (useHashMemo), and only while a process hashes few texts: a large
 * project's compile hashes tens of thousands, and goes straight to node:crypto.
 */
const memos: Record<Algorithm, Map<string, string>> = { sha256: new Map(), sha1: new Map() };
/** Texts this process looked up or computed: the next file starts with them. */
const used: Record<Algorithm, Set<string>> = { sha256: new Set(), sha1: new Set() };
let usedChars = 0;
/** This process hashed a text the file did not hold: the file is written at exit. */
let fresh = false;
/** This process hashed more than a memo keeps: its file is removed rather than written. */
let overflowed = false;
let memoFile: string | undefined;

/** Texts longer than this are not remembered: the file would hold them whole. */
const MAX_TEXT = 8 * 1024;
/**
 * More texts than this in one process, or more characters: a large project, whose memo
 * file would cost more to read than node:crypto to load (spaceflights' status: 40 texts,
 * 23 kB).
 */
const MAX_ENTRIES = 512;
const MAX_CHARS = 256 * 1024;
const FORMAT = "pipewright-hash-memo 1";

/** The hex digest of `text` (as UTF-8) under `algorithm`, from the memo when it holds it. */
export function memoHash(algorithm: Algorithm, text: string): string {
  if (memoFile === undefined || overflowed || text.length > MAX_TEXT) {
    return nodeCrypto().hash(algorithm, text, "hex");
  }
  const memo = memos[algorithm];
  let hex = memo.get(text);
  if (hex === undefined) {
    hex = nodeCrypto().hash(algorithm, text, "hex");
    memo.set(text, hex);
    fresh = true;
  }
  if (!used[algorithm].has(text)) {
    used[algorithm].add(text);
    usedChars += text.length;
    // Too much for a memo: stop keeping one (saveHashMemo then removes the file).
    overflowed = used.sha256.size + used.sha1.size > MAX_ENTRIES || usedChars > MAX_CHARS;
  }
  return hex;
}

/**
 * Reads the memo kept in `file`, and writes it back when the process exits if this process
 * hashed a text that was not in it. A file that is not whole and ours (its checksum line
 * must hold) is ignored: the hashes are computed.
 */
export function useHashMemo(file: string): void {
  if (memoFile !== undefined) return;
  memoFile = file;
  for (const [algorithm, text, hex] of readHashMemo(file)) memos[algorithm].set(text, hex);
  process.once("exit", () => {
    if (memoFile === file) saveHashMemo(file);
  });
}

/** @internal Forgets the memo and its file, as in a new process (for tests). */
export function resetHashMemo(): void {
  for (const algorithm of ["sha256", "sha1"] as const) {
    memos[algorithm].clear();
    used[algorithm].clear();
  }
  usedChars = 0;
  fresh = false;
  overflowed = false;
  memoFile = undefined;
}

/** @internal The entries of a memo file; none when it is missing, torn or not ours. */
export function readHashMemo(file: string): [Algorithm, string, string][] {
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const nl = content.indexOf("\n");
  try {
    const entries = JSON.parse(content.slice(nl + 1)) as unknown;
    return nl > 0 &&
      Array.isArray(entries) &&
      entries.every(isEntry) &&
      content.slice(0, nl) === `${FORMAT} ${checksum(entries)}`
      ? entries
      : [];
  } catch {
    return [];
  }
}

const HEX = { sha256: /^[0-9a-f]{64}$/, sha1: /^[0-9a-f]{40}$/ };
function isEntry(e: unknown): e is [Algorithm, string, string] {
  return (
    Array.isArray(e) &&
    e.length === 3 &&
    (e[0] === "sha256" || e[0] === "sha1") &&
    typeof e[1] === "string" &&
    typeof e[2] === "string" &&
    HEX[e[0] as Algorithm].test(e[2])
  );
}

/**
 * @internal Writes the memo when this process hashed something new: its own entries first,
 * then the file's others, up to MAX_ENTRIES and MAX_CHARS. A process that hashed more
 * than that removes the file.
 */
export function saveHashMemo(file: string): void {
  if (!fresh && !overflowed) return;
  fresh = false;
  try {
    if (overflowed) {
      rmSync(file, { force: true });
      return;
    }
    const entries: [Algorithm, string, string][] = [];
    for (const algorithm of ["sha256", "sha1"] as const)
      for (const text of used[algorithm])
        entries.push([algorithm, text, memos[algorithm].get(text)!]);
    let chars = usedChars;
    for (const algorithm of ["sha256", "sha1"] as const) {
      for (const [text, hex] of memos[algorithm]) {
        if (entries.length >= MAX_ENTRIES || chars + text.length > MAX_CHARS) break;
        if (used[algorithm].has(text)) continue;
        entries.push([algorithm, text, hex]);
        chars += text.length;
      }
    }
    writeFileAtomic(file, `${FORMAT} ${checksum(entries)}\n${JSON.stringify(entries)}`);
  } catch {
    // A memo that cannot be written only costs the next command the load of node:crypto.
  }
}

/**
 * A check that the file was written whole by saveHashMemo, over what a reader trusts: the
 * digests (a changed text only misses). The entry count and a 32-bit FNV-1a over the
 * digests' characters, in hex: not node:crypto, whose load the memo exists to avoid.
 */
function checksum(entries: readonly [Algorithm, string, string][]): string {
  let h = 0x811c9dc5;
  for (const [, , hex] of entries)
    for (let i = 0; i < hex.length; i++) h = Math.imul(h ^ hex.charCodeAt(i), 0x01000193);
  return `${entries.length}-${(h >>> 0).toString(16)}`;
}
