/** One section of docs/benchmarks.md: a table of figures, with targets and peers' figures. */
export interface BenchSection {
  title: string;
  rows: { name: string; value: string; target?: string; peer?: string }[];
  notes?: string[];
  /** Rows of an issue's own figure table, gathered at the top of docs/benchmarks.md. */
  scoreboard?: ScoreRow[];
}

/**
 * One row of an issue's table of figures ("Done when the table above is in
 * docs/benchmarks.md with every target met, or a row says exactly what bounds it"). `met`
 * is computed from the measured figures by the bench, never written by hand.
 */
export interface ScoreRow {
  /** "#12", "#14". */
  issue: string;
  /** Position in the issue's table. */
  order: number;
  figure: string;
  peer?: string;
  result: string;
  target: string;
  met: boolean;
  /** When missed: what bounds it, and where the evidence is. */
  bound?: string;
}

/** Median wall time of `fn` in milliseconds over `runs` runs (after one warm-up unless runs is 1). */
export async function timeMs(fn: () => unknown, runs = 5): Promise<number> {
  if (runs > 1) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export const fmtMs = (ms: number) => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
