import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Metafile } from "esbuild";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { computedImportLine } from "../src/image/plugins.ts";
import { inputStamps } from "../src/image/stamps.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pw-image-stamps-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const metafile = (...inputs: string[]): Metafile => ({
  inputs: Object.fromEntries(inputs.map((i) => [i, { bytes: 1, imports: [] }])),
  outputs: {},
});

describe("what a start-up image is stamped with (inputStamps)", () => {
  test("a module's folders up to the project root, and node_modules and resolution files above", () => {
    mkdirSync(join(root, "src", "helpers", "sub"), { recursive: true });
    writeFileSync(join(root, "src", "helpers", "sub", "index.ts"), "export {};\n");
    const paths = inputStamps(root, metafile("src/helpers/sub/index.ts"), []).map((s) => s[0]);
    // `../helpers/sub` resolves to sub.ts if one appears in src/helpers: that folder counts.
    for (const dir of ["src/helpers/sub", "src/helpers", "src", ""])
      expect(paths, dir).toContain(join(root, dir));
    for (const name of ["node_modules", "package.json", "tsconfig.json"]) {
      expect(paths).toContain(join(root, "src", name));
      expect(paths).toContain(join(root, "..", name));
    }
  });

  test("a tsconfig's extends chain, relative and through a package", () => {
    writeFileSync(join(root, "a.ts"), "export {};\n");
    writeFileSync(
      join(root, "tsconfig.json"),
      '{\n  // comments and trailing commas, as TypeScript allows\n  "extends": "./configs/base",\n}\n',
    );
    mkdirSync(join(root, "configs"));
    writeFileSync(
      join(root, "configs", "base.json"),
      '{ "extends": ["@org/tsconfig/strict.json"] }',
    );
    mkdirSync(join(root, "node_modules", "@org", "tsconfig"), { recursive: true });
    writeFileSync(
      join(root, "node_modules", "@org", "tsconfig", "package.json"),
      '{"name":"@org/tsconfig"}',
    );
    writeFileSync(join(root, "node_modules", "@org", "tsconfig", "strict.json"), "{}");
    const paths = inputStamps(root, metafile("a.ts"), []).map((s) => s[0]);
    expect(paths).toContain(join(root, "configs", "base.json"));
    expect(paths).toContain(join(root, "node_modules", "@org", "tsconfig", "strict.json"));
  });

  test("a package's package.json, node_modules and @scope folder, and outside packages' files", () => {
    const zod = join(root, "node_modules", "zod", "index.js");
    const outside = join(root, "node_modules", "@aws-sdk", "client-s3", "dist-cjs", "index.js");
    const paths = inputStamps(root, metafile("node_modules/zod/index.js"), [outside]).map(
      (s) => s[0],
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        zod,
        join(root, "node_modules"),
        join(root, "node_modules", "zod", "package.json"),
        join(root, "node_modules", "zod", "node_modules"),
        outside,
        join(root, "node_modules", "@aws-sdk"),
        join(root, "node_modules", "@aws-sdk", "client-s3", "package.json"),
      ]),
    );
  });
});

describe("computed import() (no image holds one)", () => {
  test("string literals pass; anything computed is found, with its line", () => {
    for (const ok of [
      'import("x")',
      "import('./y.ts')",
      "await import(`./z.ts`)",
      "import.meta.url",
      "// an inline `import()` of an ESM path",
      'type T = typeof import("zod");',
    ])
      expect(computedImportLine(`const a = 1;\n${ok}\n`), ok).toBe(undefined);
    for (const bad of [
      "import(p)",
      "import( base + '/x.mjs')",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template, on purpose
      "import(`./${name}.ts`)",
      "await import(pathToFileURL(f).href)",
    ])
      expect(computedImportLine(`const a = 1;\n\n${bad}\n`), bad).toBe(3);
  });
});
