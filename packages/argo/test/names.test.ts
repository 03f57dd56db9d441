import { describe, expect, it } from "vitest";
import { dnsName, slug, taskNames } from "../src/names.ts";

const ARGO_TASK = /^[a-z][-a-z0-9]*$/;

describe("names", () => {
  it("slugs to lowercase letters, digits and single dashes", () => {
    expect(slug("Data_Processing.clean")).toBe("data-processing-clean");
    expect(slug("__default__")).toBe("default");
    expect(slug("a..b--c")).toBe("a-b-c");
    expect(slug("名前")).toBe("");
  });

  it("keeps unique, short names readable", () => {
    expect(taskNames(["clean", "science.train_model"], 63)).toEqual(
      new Map([
        ["clean", "clean"],
        ["science.train_model", "science-train-model"],
      ]),
    );
  });

  it("separates ids that sanitise to the same name with a hash, whatever their order", () => {
    const ids = ["prep.clean", "prep_clean", "Prep-Clean", "other"];
    const names = taskNames(ids, 63);
    expect(new Set(names.values()).size).toBe(ids.length);
    for (const id of ids.slice(0, 3)) expect(names.get(id)).toMatch(/^prep-clean-[0-9a-f]{6}$/);
    expect(names.get("other")).toBe("other");
    expect(taskNames([...ids].reverse(), 63)).toEqual(names);
  });

  it("never starts a task name with a digit, and never exceeds the limit", () => {
    const long = "n".repeat(300);
    const names = taskNames(["1st_step", "2", long, `${long}x`, "名前", "ü"], 63);
    for (const name of names.values()) {
      expect(name).toMatch(ARGO_TASK);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    expect(names.get("1st_step")).toBe("n-1st-step");
    expect(names.get(long)).not.toBe(names.get(`${long}x`));
  });

  it("still separates a hashed name from an id that happens to equal it", () => {
    const hashed = taskNames(["a.b", "a_b"], 63).get("a.b")!;
    const names = taskNames(["a.b", "a_b", hashed], 63);
    expect(new Set(names.values()).size).toBe(3);
  });

  it("cuts long object names with a hash and falls back when nothing is left", () => {
    expect(dnsName("spaceflights", 37, "pipewright")).toBe("spaceflights");
    const cut = dnsName("x".repeat(100), 37, "pipewright");
    expect(cut).toMatch(/^x{30}-[0-9a-f]{6}$/);
    expect(dnsName("___", 37, "pipewright")).toBe("pipewright");
  });
});
