// A new process for hash-memo.test.ts: reads the memo file given, hashes the texts given on
// stdin with both algorithms, and says whether every answer was node:crypto's and whether
// pipewright loaded node:crypto to give them. (tsx loads node:crypto itself: the check is
// on pipewright's own use, see cryptoLoaded.)
import { readFileSync } from "node:fs";
import { memoHash, useHashMemo } from "../../src/util/hash-memo.ts";
import { cryptoLoaded } from "../../src/util/node-crypto.ts";

const texts = JSON.parse(readFileSync(0, "utf8")) as string[];
useHashMemo(process.argv[2]!);
const answers = texts.flatMap((t) => [memoHash("sha256", t), memoHash("sha1", t)]);
const loadedForAnswers = cryptoLoaded();
const { createHash } = await import("node:crypto");
const right = texts.every(
  (t, i) =>
    answers[2 * i] === createHash("sha256").update(t).digest("hex") &&
    answers[2 * i + 1] === createHash("sha1").update(t).digest("hex"),
);
process.stdout.write(JSON.stringify({ right, cryptoLoaded: loadedForAnswers }));
