import { describe, expect, it } from "vitest";
import { PARAM_NAME, paramNames, pipelineName, TASK_NAME, taskNames } from "../src/names.ts";
import { random } from "./support/random.ts";

describe("names", () => {
  it("slugs ids and keeps clashing or long ones apart with a hash of the original", () => {
    const names = taskNames([
      "prep.clean",
      "prep_clean",
      "Train",
      "2nd",
      "x".repeat(80),
      "",
      "---",
    ]);
    expect(names.get("Train")).toBe("train");
    expect(names.get("2nd")).toBe("n-2nd");
    expect(names.get("prep.clean")).toMatch(/^prep-clean-[0-9a-f]{6}$/);
    expect(names.get("prep_clean")).toMatch(/^prep-clean-[0-9a-f]{6}$/);
    expect(names.get("prep.clean")).not.toBe(names.get("prep_clean"));
    expect(names.get("x".repeat(80))!.length).toBeLessThanOrEqual(63);
    expect(new Set(names.values()).size).toBe(7);
  });

  it("a hashed name cannot take another id's plain slug", () => {
    const first = taskNames(["a.b", "a_b"]);
    const taken = first.get("a.b")!;
    const names = taskNames(["a.b", "a_b", taken]);
    expect(new Set(names.values()).size).toBe(3);
  });

  it("property: any ids give unique, valid, order-independent names", () => {
    const rnd = random(7);
    const alphabet = "aA_.-0{ }$é名";
    for (let round = 0; round < 50; round++) {
      const ids = [
        ...new Set(
          Array.from({ length: 1 + Math.floor(rnd() * 40) }, () =>
            Array.from(
              { length: Math.floor(rnd() * 12) },
              () => alphabet[Math.floor(rnd() * alphabet.length)],
            ).join(""),
          ),
        ),
      ];
      const names = taskNames(ids);
      const params = paramNames(ids, ["pipewright_run_id"]);
      expect(new Set(names.values()).size).toBe(ids.length);
      expect(new Set(params.values()).size).toBe(ids.length);
      for (const n of names.values())
        expect(n.length <= 63 && TASK_NAME.test(n) && !/^[0-9]/.test(n)).toBe(true);
      for (const n of params.values())
        expect(PARAM_NAME.test(n) && n !== "pipewright_run_id").toBe(true);
      const reversed = taskNames([...ids].reverse());
      for (const id of ids) expect(reversed.get(id)).toBe(names.get(id));
    }
  });

  it("param names are identifiers and avoid the reserved run-id input", () => {
    const names = paramNames(["model.alpha", "pipewright.run_id", "1x"], ["pipewright_run_id"]);
    expect(names.get("model.alpha")).toBe("model_alpha");
    expect(names.get("pipewright.run_id")).toMatch(/^pipewright_run_id_[0-9a-f]{6}$/);
    expect(names.get("1x")).toBe("p_1x");
  });

  it("pipeline names follow Vertex AI's rule", () => {
    expect(pipelineName("__default__")).toBe("default");
    expect(pipelineName("Space Flights!")).toBe("space-flights");
    expect(pipelineName("y".repeat(200))).toMatch(/^y{121}-[0-9a-f]{6}$/);
  });
});
