/**
 * A module imported on first use and shared after. Formats load their codecs this way:
 * most commands (`ls`, `status`, a cached `run-node`) never decode a table, and every
 * module Node loads at start-up costs time (csv and parquet codecs are ~100 modules).
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}
