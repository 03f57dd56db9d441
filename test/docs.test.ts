import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PlanSchema } from "@pipewright/core";

const root = join(import.meta.dirname, "..");

describe("docs/plan.md", () => {
  const doc = readFileSync(join(root, "docs/plan.md"), "utf8");
  const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];

  test("its example is a valid plan", () => {
    expect(example).toBeDefined();
    expect(PlanSchema.safeParse(JSON.parse(example!)).success).toBe(true);
  });

  test("its example is what scripts/plan-example.ts prints today", () => {
    const printed = execFileSync(process.execPath, ["--import", "tsx", "scripts/plan-example.ts"], { cwd: root, encoding: "utf8" });
    expect(example).toBe(printed);
  });
});
