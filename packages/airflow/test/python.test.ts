import { describe, expect, it } from "vitest";
import { jsonText, pyLiteral, pyStr, pyText } from "../src/python.ts";
import { HOSTILE } from "./fixtures.ts";
import { python } from "./support.ts";

const SAMPLES = [
  ...HOSTILE,
  "",
  "plain",
  "\x00\x01\x1f\x7f\x80\xff",
  "tab\tand\\n not a newline",
  "\ud800 lone surrogate",
  "\udfff",
  "\u{10ffff}\u{1f600}",
  '"',
  "\\",
  "'''",
];

/** Evaluates Python source in python3 and returns the JSON it prints. */
function evaluate(expression: string): unknown {
  return JSON.parse(
    python(["-c", `import json, sys\nsys.stdout.write(json.dumps(${expression}))`]),
  );
}

describe("pyStr", () => {
  it("gives a literal Python reads back as the same string", () => {
    expect(evaluate(`[${SAMPLES.map((s) => pyStr(s)).join(", ")}]`)).toEqual(SAMPLES);
    expect(evaluate(`[${SAMPLES.map((s) => pyStr(s, "'")).join(", ")}]`)).toEqual(SAMPLES);
  });

  it("writes JSON text in single quotes without escaping its double quotes", () => {
    expect(pyStr('["a", 1]', "'")).toBe(`'["a", 1]'`);
    expect(pyStr(`it's`, "'")).toBe(`'it\\'s'`);
  });

  it("writes only printable ASCII", () => {
    for (const s of SAMPLES) {
      expect(pyStr(s)).toMatch(/^"[\x20-\x7e]*"$/);
      expect(pyStr(s, "'")).toMatch(/^'[\x20-\x7e]*'$/);
    }
  });

  it("leaves plain text readable", () => {
    expect(pyStr("data_processing.preprocess_companies")).toBe(
      '"data_processing.preprocess_companies"',
    );
  });
});

describe("pyLiteral and pyText", () => {
  it("emit values Python reads back equal", () => {
    const value = { a: [1, 2.5, -3, true, false, null], 'k"ey': { nested: ["x\ny"] }, empty: [] };
    expect(evaluate(pyLiteral(value))).toEqual(value);
  });

  it("rejects numbers Python cannot write as literals", () => {
    expect(() => pyLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => pyLiteral(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it("splits long text into one literal per line", () => {
    const text = `first ${HOSTILE[3]}\nsecond\n\nlast`;
    const literal = pyText(text);
    expect(literal.split("\n")).toHaveLength(6);
    expect(evaluate(literal)).toBe(text);
  });
});

describe("jsonText", () => {
  it("writes JSON that Python's json module reads back, spaced like Python", () => {
    const value = [SAMPLES, [1, null, 2.5], { k: ["v"] }];
    const text = jsonText(value);
    expect(text.startsWith('[["')).toBe(true);
    expect(evaluate(`json.loads(${pyStr(text, "'")})`)).toEqual(value);
  });
});
