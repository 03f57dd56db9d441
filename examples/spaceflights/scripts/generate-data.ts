/**
 * Writes the raw inputs, data/01_raw/{companies,shuttles,reviews}.csv, from a fixed seed:
 * the same bytes on every machine, so nothing is downloaded and the test suite can
 * check the committed files are exactly what this script produces.
 *
 *   npx tsx scripts/generate-data.ts        (from examples/spaceflights)
 *
 * Prices follow a known linear rule plus noise, with a few inputs (shuttle and engine
 * type) that the models do not see, so a regression explains most but not all of it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mulberry32, normal, pick } from "../src/lib/random.ts";

export const SEED = 20240601;
const COMPANIES = 250;
const SHUTTLES = 2000;

const LOCATIONS = [
  "Niue",
  "Anguilla",
  "Russian Federation",
  "Barbados",
  "Sao Tome and Principe",
  "Faroe Islands",
  "Tokelau",
  "Malta",
];
const SHUTTLE_TYPES: Record<string, number> = {
  "Type V5": 400,
  "Type F5": 150,
  "Type A1": 0,
  "Type L9": -200,
};
const ENGINE_TYPES: Record<string, number> = { Quantum: 250, Plasma: 100, Nuclear: 0 };
const VENDORS = [
  "ThetaBase Services",
  "Banks, Wood and Phillips",
  "Rocketdyne Orbital",
  "Kepler & Sons",
];
const POLICIES = ["strict", "moderate", "flexible"];

/** A CSV field, quoted when it holds a comma, quote or newline (RFC 4180). */
function field(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(header: readonly string[], rows: readonly (string | number)[][]): string {
  const lines = [header.join(","), ...rows.map((r) => r.map(field).join(","))];
  return `${lines.join("\n")}\n`;
}

/** "$12,345.6": thousands separators written by hand, so no locale can change the bytes. */
function money(value: number): string {
  const [whole, cents] = value.toFixed(1).split(".");
  return `$${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`;
}

const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const uniform = (rand: () => number, lo: number, hi: number) => lo + rand() * (hi - lo);

/** The three raw files, by file name. */
export function generateData(seed = SEED): Record<string, string> {
  const rand = mulberry32(seed);

  const companies = Array.from({ length: COMPANIES }, (_, i) => {
    const rating = rand() < 0.08 ? null : int(rand, 50, 100);
    return {
      id: 3000 + i,
      rating,
      location: pick(rand, LOCATIONS),
      fleet: int(rand, 1, 12),
      iata: rand() < 0.45,
    };
  });

  const shuttles: (string | number)[][] = [];
  const reviews: (string | number)[][] = [];
  for (let i = 0; i < SHUTTLES; i++) {
    const company = pick(rand, companies);
    const type = pick(rand, Object.keys(SHUTTLE_TYPES));
    const engineType = pick(rand, Object.keys(ENGINE_TYPES));
    const engines = int(rand, 1, 4);
    const capacity = int(rand, 2, 10);
    const crew = int(rand, 1, 6);
    const dCheck = rand() < 0.7;
    const moon = rand() < 0.4;
    const reviewed = rand() < 0.85;
    const rating = Number(uniform(rand, 60, 100).toFixed(1));
    const comfort = Number(uniform(rand, 2, 10).toFixed(1));
    const price =
      800 +
      SHUTTLE_TYPES[type]! +
      ENGINE_TYPES[engineType]! +
      220 * engines +
      45 * capacity +
      90 * crew +
      (dCheck ? 180 : 0) +
      (moon ? 260 : 0) +
      (company.iata ? 200 : 0) +
      9 * (company.rating ?? 75) +
      12 * rating +
      35 * comfort +
      normal(rand, 0, 350);
    const id = 60000 + i;
    shuttles.push([
      id,
      pick(rand, LOCATIONS),
      type,
      engineType,
      pick(rand, VENDORS),
      engines,
      capacity,
      pick(rand, POLICIES),
      crew,
      dCheck ? "t" : "f",
      moon ? "t" : "f",
      money(Math.max(150, price)),
      company.id,
    ]);
    if (reviewed) {
      const score = () => uniform(rand, 2, 10).toFixed(1);
      reviews.push([
        id,
        rating.toFixed(1),
        comfort.toFixed(1),
        score(),
        score(),
        score(),
        score(),
        score(),
        int(rand, 1, 300),
        uniform(rand, 0.1, 10).toFixed(2),
      ]);
    }
  }

  return {
    "companies.csv": csv(
      ["id", "company_rating", "company_location", "total_fleet_count", "iata_approved"],
      companies.map((c) => [
        c.id,
        c.rating === null ? "" : `${c.rating}%`,
        c.location,
        c.fleet,
        c.iata ? "t" : "f",
      ]),
    ),
    "shuttles.csv": csv(
      [
        "id",
        "shuttle_location",
        "shuttle_type",
        "engine_type",
        "engine_vendor",
        "engines",
        "passenger_capacity",
        "cancellation_policy",
        "crew",
        "d_check_complete",
        "moon_clearance_complete",
        "price",
        "company_id",
      ],
      shuttles,
    ),
    "reviews.csv": csv(
      [
        "shuttle_id",
        "review_scores_rating",
        "review_scores_comfort",
        "review_scores_amenities",
        "review_scores_trip",
        "review_scores_crew",
        "review_scores_location",
        "review_scores_price",
        "number_of_reviews",
        "reviews_per_month",
      ],
      reviews,
    ),
  };
}

/** The folder the files belong in. */
export const RAW_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "data", "01_raw");

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(RAW_DIR, { recursive: true });
  for (const [name, text] of Object.entries(generateData())) {
    writeFileSync(join(RAW_DIR, name), text);
    console.log(`wrote data/01_raw/${name} (${text.split("\n").length - 2} rows)`);
  }
}
