// Conf files parsed once are remembered by content (yaml-values.ts), so most commands
// never load the yaml library. A remembered value must be exactly what parsing gives,
// and messages must still name file:line.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { stateDir } from "@pipewright/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { AWKWARD_NUMBERS } from "../../../test/support/awkward-numbers.ts";
import { random } from "../../../test/support/random.ts";
import { YamlSource } from "../src/conf/yaml-source.ts";
import { jsonExact, yamlValue } from "../src/conf/yaml-values.ts";
import { Catalog } from "../src/index.ts";
import { caught, tempProject } from "./helpers.ts";

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.remove());

const remembered = () => {
  const dir = join(stateDir(project.root), "yaml");
  return existsSync(dir) ? readdirSync(dir) : [];
};

/** A seeded random value of the kinds YAML files hold, with the awkward ones. */
function randomValue(next: () => number, depth = 0): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const r = next();
  if (depth < 3 && r < 0.25)
    return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  if (depth < 3 && r < 0.5) {
    const keys = ["a", "b", "x y", "01", "true", "null", "__proto__", "é", "k:v", "-"];
    return Object.fromEntries(
      Array.from({ length: Math.floor(next() * 4) }, () => [
        pick(keys),
        randomValue(next, depth + 1),
      ]),
    );
  }
  return pick<unknown>([
    ...AWKWARD_NUMBERS,
    true,
    null,
    "",
    "yes",
    "0o17",
    "2024-03-08",
    "a: b",
    "#x",
    "line\nbreak",
    "\u2028",
    "~",
  ]);
}

describe("remembered YAML values", () => {
  it("equal a fresh parse, first read and second, for 300 random documents", async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const doc = { entries: randomValue(next), more: randomValue(next) };
      const text = YAML.stringify(doc);
      const file = await project.file(`conf/c${seed}.yaml`, text);
      const expected = YAML.parseDocument(text, { merge: true }).toJS({ maxAliasCount: 1000 });
      for (const read of ["first", "second"]) {
        const { value, issues } = await YamlSource.read(file, "c.yaml", "error", project.root);
        expect(issues, `seed ${seed}, ${read} read`).toEqual([]);
        // toEqual tells -0 from 0 and matches NaN with NaN, as a parse would.
        expect(value, `seed ${seed}, ${read} read`).toEqual(expected);
      }
    }
    // Some documents held values JSON cannot (Infinity, NaN, -0): those were not remembered.
    expect(remembered().length).toBeGreaterThan(50);
    expect(remembered().length).toBeLessThan(300);
  });

  it("keep file:line in messages when the value was remembered", async () => {
    const text = "companies:\n  type: csv\n  pth: data/companies.csv\n";
    const file = await project.file("conf/catalog.yaml", text);
    const first = await caught(() => Catalog.fromFile(file, { root: project.root }));
    expect(remembered()).toHaveLength(1);
    const second = await caught(() => Catalog.fromFile(file, { root: project.root }));
    expect(second.message).toBe(first.message);
    expect(second.message).toContain('catalog.yaml:3: entry "companies": unknown field "pth"');
  });

  it("are keyed by content: an edit is parsed again", async () => {
    const file = await project.file("conf/catalog.yaml", "a:\n  type: json\n  path: a.json\n");
    await Catalog.fromFile(file, { root: project.root });
    await project.file("conf/catalog.yaml", "a:\n  type: json\n  path: b.json\n");
    const catalog = await Catalog.fromFile(file, { root: project.root });
    expect(catalog.resolve("a")?.uri).toMatch(/b\.json$/);
    expect(remembered()).toHaveLength(2);
  });

  it("are not remembered when parsing fails", () => {
    const fail = () =>
      yamlValue(project.root, "params", "a: [", () => {
        throw new Error("bad YAML");
      });
    expect(fail).toThrow("bad YAML");
    expect(fail).toThrow("bad YAML");
    expect(remembered()).toEqual([]);
  });

  it("jsonExact: what JSON gives back unchanged", () => {
    expect(jsonExact({ a: [1, "x", null, true, { b: 2.5 }] })).toBe(true);
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, -0, undefined, new Date(0), new Map()])
      expect(jsonExact({ v })).toBe(false);
    expect(jsonExact(JSON.parse('{"__proto__": 1}'))).toBe(false);
  });
});
