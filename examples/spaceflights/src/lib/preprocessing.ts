import type {
  Company,
  ModelInputRow,
  RawCompany,
  RawShuttle,
  Review,
  Shuttle,
} from "../datasets.ts";

/** "t" -> true, "f" -> false (Kedro's `_is_true`). */
export function parseFlag(value: "t" | "f"): boolean {
  return value === "t";
}

/** "92%" -> 0.92; "" (unknown) -> null (Kedro's `_parse_percentage`). */
export function parsePercent(value: string): number | null {
  if (value === "") return null;
  return Number(value.replace("%", "")) / 100;
}

/** "$1,325.0" -> 1325 (Kedro's `_parse_money`). */
export function parseMoney(value: string): number {
  return Number(value.replace(/[$,]/g, ""));
}

/** Typed companies: numeric rating (null when unknown) and a boolean IATA flag. */
export function preprocessCompanies(rows: readonly RawCompany[]): Company[] {
  return rows.map((c) => ({
    ...c,
    company_rating: parsePercent(c.company_rating),
    iata_approved: parseFlag(c.iata_approved),
  }));
}

/** Typed shuttles: boolean checks and a numeric price. */
export function preprocessShuttles(rows: readonly RawShuttle[]): Shuttle[] {
  return rows.map((s) => ({
    ...s,
    d_check_complete: parseFlag(s.d_check_complete),
    moon_clearance_complete: parseFlag(s.moon_clearance_complete),
    price: parseMoney(s.price),
  }));
}

/**
 * Joins shuttles to their company and their reviews (inner joins) and drops rows with
 * missing values, as Kedro's `create_model_input_table` does with `merge` and `dropna`.
 * Row order follows the shuttles, so the table is the same on every run.
 */
export function createModelInputTable(
  shuttles: readonly Shuttle[],
  companies: readonly Company[],
  reviews: readonly Review[],
): ModelInputRow[] {
  const companyById = new Map(companies.map((c) => [c.id, c]));
  const reviewByShuttle = new Map(reviews.map((r) => [r.shuttle_id, r]));
  const table: ModelInputRow[] = [];
  for (const { id, ...shuttle } of shuttles) {
    const company = companyById.get(shuttle.company_id);
    const review = reviewByShuttle.get(id);
    if (!company || !review || company.company_rating === null) continue;
    const { shuttle_id: _, ...scores } = review;
    table.push({
      shuttle_id: id,
      ...shuttle,
      company_rating: company.company_rating,
      company_location: company.company_location,
      total_fleet_count: company.total_fleet_count,
      iata_approved: company.iata_approved,
      ...scores,
    });
  }
  return table;
}
