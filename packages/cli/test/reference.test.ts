import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { COMMANDS } from "../src/main.ts";
import { cliReference } from "../src/reference.ts";

describe("docs/cli.md", () => {
  test("is generated from the current command definitions (run scripts/gen-cli-docs.ts)", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "..", "docs", "cli.md"), "utf8");
    expect(doc).toBe(cliReference(COMMANDS));
  });

  test("documents every option of every command", () => {
    const doc = cliReference(COMMANDS);
    for (const c of COMMANDS)
      for (const name of Object.keys(c.options)) expect(doc).toContain(`\`--${name}`);
  });
});
