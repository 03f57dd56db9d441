import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { takeStamps } from "../src/compile/stamps.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pw-graph-stamps-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the module graph's stamps (takeStamps)", () => {
  test("every folder from a module's up to the project root: a file added in one can change what an import resolves to", () => {
    // `./parts/sub` resolves to parts/sub/index.ts until parts/sub.ts appears; parts/ holds no module.
    mkdirSync(join(root, "src", "parts", "sub"), { recursive: true });
    const file = join(root, "src", "parts", "sub", "index.ts");
    writeFileSync(file, "export const sub = 1;\n");
    const { dirs } = takeStamps(root, [file], []);
    for (const dir of ["src/parts/sub", "src/parts", "src", ""])
      expect(Object.keys(dirs), dir).toContain(join(root, dir));
  });

  test("node_modules in every folder above a module, present or not: a package installed nearer wins", () => {
    mkdirSync(join(root, "app", "src"), { recursive: true });
    mkdirSync(join(root, "app", "node_modules"));
    const file = join(root, "app", "src", "a.ts");
    writeFileSync(file, "export {};\n");
    const { configs } = takeStamps(join(root, "app"), [file], []);
    expect(configs[join(root, "app", "node_modules")]).not.toBeNull();
    expect(Object.keys(configs)).toContain(join(root, "app", "src", "node_modules"));
    expect(configs[join(root, "app", "src", "node_modules")]).toBeNull();
  });

  test("a tsconfig's bases, whose options change how every module compiles", () => {
    writeFileSync(join(root, "a.ts"), "export {};\n");
    writeFileSync(join(root, "tsconfig.json"), '{ "extends": "./tsconfig.base.json" }');
    writeFileSync(join(root, "tsconfig.base.json"), '{ "compilerOptions": {} }');
    const { configs } = takeStamps(root, [join(root, "a.ts")], []);
    expect(configs[join(root, "tsconfig.base.json")]).not.toBeNull();
    expect(Object.keys(configs)).toContain(join(root, "tsconfig.base.json"));
  });
});
