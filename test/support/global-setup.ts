import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const scratch = join(import.meta.dirname, "..", "..", ".tmp");

/** Removes the throwaway projects that CLI tests write under .tmp/ (see makeProject). */
function clean(): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(scratch);
  } catch {
    return;
  }
  for (const e of entries)
    if (e.startsWith("project-")) rmSync(join(scratch, e), { recursive: true, force: true });
}

export default function setup(): () => void {
  clean();
  return clean;
}
