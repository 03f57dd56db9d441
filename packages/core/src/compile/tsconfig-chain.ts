import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";

/**
 * The files a tsconfig.json (or jsconfig.json) extends, transitively: relative paths and
 * packages' configs. Their options change how TypeScript compiles the project's modules
 * (`useDefineForClassFields`, say), so whatever stamps a module's config stamps these too
 * (stamps.ts, for the module graph's fingerprints and the CLI's start-up image).
 */
export function tsconfigChain(config: string, seen = new Set<string>()): string[] {
  if (seen.has(config)) return [];
  seen.add(config);
  let bases: unknown;
  try {
    // JSON with comments and trailing commas, as TypeScript reads it: drop them first.
    const text = readFileSync(config, "utf8")
      .replace(/\/\*[\s\S]*?\*\/|(^|[^:"])\/\/.*$/gm, "$1")
      .replace(/,(\s*[}\]])/g, "$1");
    bases = (JSON.parse(text) as { extends?: unknown }).extends;
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const base of ([] as unknown[]).concat(bases ?? [])) {
    if (typeof base !== "string") continue;
    let file: string | undefined;
    try {
      file = base.startsWith(".")
        ? resolve(dirname(config), base.endsWith(".json") ? base : `${base}.json`)
        : createRequire(config).resolve(base);
    } catch {
      // A base that cannot be found: TypeScript fails on it too.
    }
    if (file) out.push(file, ...tsconfigChain(file, seen));
  }
  return out;
}
