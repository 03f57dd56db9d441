import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PlanSchema } from "@pipewright/core";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..");

describe("docs/plan.md", () => {
  const doc = readFileSync(join(root, "docs/plan.md"), "utf8");
  const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];

  test("its example is a valid plan", () => {
    expect(example).toBeDefined();
    expect(PlanSchema.safeParse(JSON.parse(example!)).success).toBe(true);
  });

  // UPDATE_GOLDEN=1 rewrites the example after a deliberate change.
  test("its example is what scripts/plan-example.ts prints today", () => {
    const printed = execFileSync(process.execPath, ["--import", "tsx", "scripts/plan-example.ts"], {
      cwd: root,
      encoding: "utf8",
    });
    if (process.env.UPDATE_GOLDEN)
      writeFileSync(join(root, "docs/plan.md"), doc.replace(example!, printed));
    else expect(example).toBe(printed);
  });
});
