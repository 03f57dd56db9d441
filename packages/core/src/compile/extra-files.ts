import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Node } from "../authoring/node.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { Issue } from "../errors/errors.ts";
import { nodeCrypto } from "../util/node-crypto.ts";

/** Each `codeFiles` entry must name a readable file under the project. */
export function extraFileIssues(nodes: readonly Node[], root: string): Issue[] {
  const issues: Issue[] = [];
  for (const n of nodes) {
    for (const f of n.codeFiles) {
      let ok = false;
      try {
        ok = statSync(resolve(root, f)).isFile();
      } catch {
        ok = false;
      }
      if (!ok)
        issues.push({
          code: ErrorCode.INVALID_OPTION,
          message: `node ${n.describe(root)} lists codeFiles "${f}", which is not a file under ${root}. Fix the path (it is relative to the project root).`,
          path: ["nodes", n.id, "codeFiles"],
        });
    }
  }
  return issues;
}

/** `codeFiles` by content: "file:<path>" -> sha256 of its bytes (they are data, not code). */
export function hashExtraFiles(files: readonly string[], root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of [...files].sort()) {
    const bytes = readFileSync(resolve(root, f));
    // Hashed as bytes, not as code: these are data the code reads.
    out[`file:${f}`] = nodeCrypto().createHash("sha256").update(bytes).digest("hex");
  }
  return out;
}
