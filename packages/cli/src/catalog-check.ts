import { closest, ErrorCode, type Issue } from "@pipewright/core";
import type { Catalog } from "@pipewright/io";

/** The candidate nearest to `name` by edit distance, however far (closest() stops at typos). */
function nearest(name: string, candidates: readonly string[]): string | undefined {
  const typo = closest(name, candidates);
  if (typo !== undefined) return typo;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    // Shared prefix first (namespaced names), then length difference: cheap and good enough.
    let common = 0;
    while (common < Math.min(c.length, name.length) && c[common] === name[common]) common++;
    const score = -common * 2 + Math.abs(c.length - name.length);
    if (score < bestScore) [best, bestScore] = [c, score];
  }
  return best;
}

/** Exact catalog entries (not patterns) that name no dataset in `datasets`. */
export function unmatchedEntries(catalog: Catalog, datasets: ReadonlySet<string>): string[] {
  return catalog.entries().filter((key) => !key.includes("{") && !datasets.has(key));
}

/**
 * One UNKNOWN_CATALOG_ENTRY issue per catalog entry that names no dataset of any pipeline.
 * Such an entry is almost always a typo, and a costly one: the dataset it was meant for
 * has no entry, so it stays in memory and its data is never saved.
 */
export function unknownEntryIssues(
  catalog: Catalog,
  keys: readonly string[],
  datasets: ReadonlySet<string>,
): Issue[] {
  const names = [...datasets].sort();
  return keys.map((key) => {
    const where = catalog.lookup(key)?.where ?? "catalog";
    const near = nearest(key, names);
    const hint =
      near === undefined
        ? " The project declares no datasets."
        : closest(key, names) !== undefined
          ? ` Did you mean "${near}"?`
          : ` The closest dataset is "${near}".`;
    return {
      code: ErrorCode.UNKNOWN_CATALOG_ENTRY,
      message: `${where}: catalog entry "${key}" matches no dataset of any pipeline.${hint} A dataset without an entry stays in memory, and its data is not saved.`,
      path: [where, key],
      datasets: near === undefined ? [key] : [key, near],
    };
  });
}
