import { describe, expect, it } from "vitest";
import { docMarkdown, mdCode } from "../src/doc.ts";
import { smallPlan } from "./fixtures.ts";

describe("doc_md", () => {
  it("holds names in code spans that no backtick, HTML or newline can leave", () => {
    expect(mdCode("plain")).toBe("`plain`");
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("`edge`")).toBe("`` `edge` ``");
    expect(mdCode("<script>\nalert(1)</script>")).toBe("`<script> alert(1)</script>`");
  });

  it("describes the pipeline: hash, counts, inputs and outputs, listing at most 20 of each", () => {
    const doc = docMarkdown(smallPlan(), "abc", 5, "node");
    expect(doc).toContain("- Plan hash: `abc`");
    expect(doc).toContain("- Nodes: 5, tasks: 5 (grouped by node)");
    expect(doc).toContain("- Outputs: `report`");
    const many = { ...smallPlan(), outputs: Array.from({ length: 30 }, (_, i) => `out_${i}`) };
    const large = docMarkdown(many, "abc", 5, "node");
    expect(large).toMatch(/- Outputs: (`[^`]+`, ){19}`[^`]+` and 10 more/);
    // Airflow reads a doc_md ending in ".md" as a file name.
    expect(doc.endsWith(".md")).toBe(false);
  });
});
