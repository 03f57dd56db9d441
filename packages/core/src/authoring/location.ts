import { fileURLToPath } from "node:url";

/** Where a function was called from: an absolute file path and a 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

const sites = new Map<string, SourceLocation>();
const coreDir = fileURLToPath(new URL("..", import.meta.url));
const FRAME = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?\s*$/;

/**
 * The first stack frame outside @pipewright/core: where the user called node().
 * Under tsx and vitest the frames are source-mapped, so this is the .ts file and line.
 */
export function callerLocation(): SourceLocation | null {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 12;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = saved;
  for (const line of stack.split("\n").slice(1)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = m[1]!.startsWith("file://") ? fileURLToPath(m[1]!) : m[1]!;
    if (file.startsWith(coreDir) || file.startsWith("node:") || file.includes("/node_modules/"))
      continue;
    // One object per call site: the compiler keys its per-site work (code fingerprint,
    // location text) on this object, so nodes made by one factory call share it.
    const site = `${file}:${m[2]}:${m[3]}`;
    let loc = sites.get(site);
    if (!loc) {
      loc = { file, line: Number(m[2]), column: Number(m[3]) };
      sites.set(site, loc);
    }
    return loc;
  }
  return null;
}
