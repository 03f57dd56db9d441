import type { Feature, Flower, KnnModel, Species } from "../datasets.ts";

/**
 * "Trains" k-nearest neighbours: standardises the chosen features (so a feature
 * measured in bigger units does not dominate the distance) and keeps the points.
 */
export function fitKnn(rows: readonly Flower[], features: readonly Feature[]): KnnModel {
  if (rows.length === 0) throw new Error("fitKnn: no training rows");
  const mean = features.map((f) => rows.reduce((s, r) => s + r[f], 0) / rows.length);
  const sd = features.map((f, i) => {
    const variance = rows.reduce((s, r) => s + (r[f] - mean[i]!) ** 2, 0) / rows.length;
    // A constant feature carries no information; a unit scale keeps it harmless.
    return Math.sqrt(variance) || 1;
  });
  const scaling = { features: [...features], mean, sd };
  return {
    ...scaling,
    points: rows.map((r) => scale(scaling, r)),
    labels: rows.map((r) => r.species),
  };
}

/** A row's chosen features, standardised with the training mean and deviation. */
export function scale(m: Pick<KnnModel, "features" | "mean" | "sd">, row: Flower): number[] {
  return m.features.map((f, i) => (row[f] - m.mean[i]!) / m.sd[i]!);
}

/**
 * The majority species among the k nearest training points (Euclidean distance on the
 * standardised features). Ties in distance keep training order and ties in votes go to
 * the nearest neighbour's species, so predictions never depend on chance.
 */
export function predictKnn(m: KnnModel, row: Flower, k: number): Species {
  const x = scale(m, row);
  const nearest = m.points
    .map((p, i) => ({ i, d: p.reduce((s, v, j) => s + (v - x[j]!) ** 2, 0) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, k);
  const votes = new Map<Species, number>();
  for (const { i } of nearest) votes.set(m.labels[i]!, (votes.get(m.labels[i]!) ?? 0) + 1);
  let best = m.labels[nearest[0]!.i]!;
  for (const [species, count] of votes) if (count > votes.get(best)!) best = species;
  return best;
}
