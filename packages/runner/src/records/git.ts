import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The commit checked out in the git repository holding `root`, read from .git without
 * running git (a container image may have no git). Undefined outside a repository.
 *
 * @example
 * gitCommit("/work/project") // "1f51b2c63374445f3e3581c81c8f222003b2f8b8"
 */
export function gitCommit(root: string): string | undefined {
  const gitDir = findGitDir(resolve(root));
  if (!gitDir) return undefined;
  const head = read(join(gitDir, "HEAD"))?.trim();
  if (!head) return undefined;
  if (!head.startsWith("ref:")) return /^[0-9a-f]{40,64}$/.test(head) ? head : undefined;
  const ref = head.slice(4).trim();
  // A worktree keeps HEAD in its own folder but shares refs with the main repository.
  const common = read(join(gitDir, "commondir"))?.trim();
  const dirs = common ? [gitDir, resolve(gitDir, common)] : [gitDir];
  for (const dir of dirs) {
    const loose = read(join(dir, ref))?.trim();
    if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
    const packed = read(join(dir, "packed-refs"));
    const line = packed?.split("\n").find((l) => l.endsWith(` ${ref}`));
    if (line) return line.split(" ")[0];
  }
  return undefined;
}

function findGitDir(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const dotGit = join(dir, ".git");
    if (existsSync(dotGit)) {
      if (statSync(dotGit).isDirectory()) return dotGit;
      // A worktree or submodule: ".git" is a file saying "gitdir: <path>".
      const m = /^gitdir:\s*(.+)$/m.exec(read(dotGit) ?? "");
      return m ? resolve(dir, m[1]!.trim()) : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
