import { fileURLToPath } from "node:url";

/** Where a function was called from: an absolute file path and a 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

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
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return null;
}
