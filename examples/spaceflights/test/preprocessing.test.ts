import { describe, expect, it } from "vitest";
import type { Company, RawCompany, RawShuttle, Review, Shuttle } from "../src/datasets.ts";
import {
  createModelInputTable,
  parseFlag,
  parseMoney,
  parsePercent,
  preprocessCompanies,
  preprocessShuttles,
} from "../src/lib/preprocessing.ts";
import { featureVector, splitData } from "../src/lib/split.ts";

const rawShuttle: RawShuttle = {
  id: 1,
  shuttle_location: "Niue",
  shuttle_type: "Type V5",
  engine_type: "Quantum",
  engine_vendor: "ThetaBase Services",
  engines: 2,
  passenger_capacity: 4,
  cancellation_policy: "strict",
  crew: 3,
  d_check_complete: "t",
  moon_clearance_complete: "f",
  price: "$1,325.5",
  company_id: 10,
};
const shuttle: Shuttle = {
  ...rawShuttle,
  d_check_complete: true,
  moon_clearance_complete: false,
  price: 1325.5,
};
const company: Company = {
  id: 10,
  company_rating: 0.9,
  company_location: "Malta",
  total_fleet_count: 3,
  iata_approved: true,
};
const review: Review = {
  shuttle_id: 1,
  review_scores_rating: 90,
  review_scores_comfort: 8,
  review_scores_amenities: 7,
  review_scores_trip: 6,
  review_scores_crew: 5,
  review_scores_location: 4,
  review_scores_price: 3,
  number_of_reviews: 12,
  reviews_per_month: 1.5,
};

describe("parsers", () => {
  it("reads Kedro's raw encodings", () => {
    expect(parseFlag("t")).toBe(true);
    expect(parseFlag("f")).toBe(false);
    expect(parsePercent("92%")).toBeCloseTo(0.92, 12);
    expect(parsePercent("")).toBeNull();
    expect(parseMoney("$1,325.0")).toBe(1325);
    expect(parseMoney("$12,345,678.9")).toBe(12345678.9);
  });
});

describe("preprocessing", () => {
  it("types companies and keeps unknown ratings as null", () => {
    const raw: RawCompany[] = [
      {
        id: 1,
        company_rating: "80%",
        company_location: "Niue",
        total_fleet_count: 2,
        iata_approved: "t",
      },
      {
        id: 2,
        company_rating: "",
        company_location: "Malta",
        total_fleet_count: 1,
        iata_approved: "f",
      },
    ];
    expect(preprocessCompanies(raw)).toEqual([
      {
        id: 1,
        company_rating: 0.8,
        company_location: "Niue",
        total_fleet_count: 2,
        iata_approved: true,
      },
      {
        id: 2,
        company_rating: null,
        company_location: "Malta",
        total_fleet_count: 1,
        iata_approved: false,
      },
    ]);
  });

  it("types shuttles", () => {
    expect(preprocessShuttles([rawShuttle])).toEqual([shuttle]);
  });
});

describe("createModelInputTable", () => {
  it("joins a shuttle with its company and review", () => {
    const [row, ...rest] = createModelInputTable([shuttle], [company], [review]);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      shuttle_id: 1,
      company_id: 10,
      price: 1325.5,
      company_rating: 0.9,
      iata_approved: true,
      number_of_reviews: 12,
    });
    expect(row).not.toHaveProperty("id");
  });

  it("drops shuttles without a review, without a company, or with an unknown rating", () => {
    const other = { ...shuttle, id: 2 };
    const orphan = { ...shuttle, id: 3, company_id: 99 };
    const unrated = { ...shuttle, id: 4, company_id: 11 };
    const table = createModelInputTable(
      [shuttle, other, orphan, unrated],
      [company, { ...company, id: 11, company_rating: null }],
      [review, { ...review, shuttle_id: 3 }, { ...review, shuttle_id: 4 }],
    );
    expect(table.map((r) => r.shuttle_id)).toEqual([1]);
  });
});

describe("splitData", () => {
  const table = Array.from({ length: 10 }, (_, i) => ({
    ...createModelInputTable([shuttle], [company], [review])[0]!,
    shuttle_id: i,
    price: i * 100,
    engines: i,
  }));

  it("holds out ceil(test_size * n) rows, and the same ones for the same seed", () => {
    const a = splitData(table, ["engines", "d_check_complete"], 0.25, 3);
    expect(a.xTest).toHaveLength(3);
    expect(a.xTrain).toHaveLength(7);
    expect(splitData(table, ["engines", "d_check_complete"], 0.25, 3)).toEqual(a);
    expect(splitData(table, ["engines", "d_check_complete"], 0.25, 4)).not.toEqual(a);
    // Every row lands on exactly one side, with its own price as the target.
    const all = [...a.xTrain, ...a.xTest].map((x, i) => [x[0], [...a.yTrain, ...a.yTest][i]]);
    expect(all.sort((p, q) => p[0]! - q[0]!)).toEqual(table.map((r) => [r.engines, r.price]));
  });

  it("encodes booleans as 1 and 0 in the given feature order", () => {
    expect(
      featureVector(table[2]!, ["d_check_complete", "moon_clearance_complete", "engines"]),
    ).toEqual([1, 0, 2]);
  });
});
