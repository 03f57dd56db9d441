import { describe, expect, it } from "vitest";
import { maxQuantity, parseQuantity } from "../src/index.ts";

describe("Kubernetes quantities", () => {
  it("parses decimal and binary suffixes and exponents", () => {
    expect(parseQuantity("500m")).toBe(0.5);
    expect(parseQuantity("2")).toBe(2);
    expect(parseQuantity("1.5")).toBe(1.5);
    expect(parseQuantity("1Gi")).toBe(2 ** 30);
    expect(parseQuantity("1G")).toBe(1e9);
    expect(parseQuantity("1e3")).toBe(1000);
    expect(parseQuantity("1.5Ki")).toBe(1536);
    expect(parseQuantity(".5Ki")).toBe(512);
    expect(parseQuantity("100n")).toBeCloseTo(1e-7);
  });

  it("rejects what Kubernetes would reject", () => {
    for (const bad of ["", "abc", "1 Gi", "1gi", "-1", "1Gi{{x}}", "1e", "two"])
      expect(parseQuantity(bad)).toBeUndefined();
  });

  it("picks the larger request, as written", () => {
    expect(maxQuantity("500m", "1")).toBe("1");
    expect(maxQuantity("2Gi", "1G")).toBe("2Gi");
    expect(maxQuantity("1000m", "1")).toBe("1000m");
  });
});
