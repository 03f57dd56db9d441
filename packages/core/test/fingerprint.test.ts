import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { importSpecifiers } from "../src/compile/fingerprint.ts";
import { compile, type Plan, pipeline } from "../src/index.ts";

// A small project on disk: nodes in three files, helpers imported by some of them.
const root = mkdtempSync(join(import.meta.dirname, "..", ".tmp-fingerprint-"));
const core = pathToFileURL(join(import.meta.dirname, "..", "src", "index.ts")).href;
const files: Record<string, string> = {
  "helpers/math.ts": "export const double = (x: number) => x * 2;\n",
  "helpers/deep.ts": "export const offset = 1;\n",
  "helpers/scale.ts":
    'import { offset } from "./deep.js";\nexport const scale = (x: number) => x * 3 + offset;\n',
  "a.ts": `import { z } from "zod";\nimport { dataset, node } from "${core}";\nimport { double } from "./helpers/math.ts";\nexport const a = node({ name: "a", inputs: { x: dataset("x", z.number()) }, outputs: { y: dataset("ya", z.number()) }, run: ({ x }) => ({ y: double(x) }) });\n`,
  "b.ts": `import { z } from "zod";\nimport { dataset, node } from "${core}";\nimport { scale } from "./helpers/scale";\nexport const b = node({ name: "b", inputs: { x: dataset("x", z.number()) }, outputs: { y: dataset("yb", z.number()) }, run: ({ x }) => ({ y: scale(x) }) });\n`,
  "c.ts": `import { z } from "zod";\nimport { dataset, node } from "${core}";\nimport type { Nothing } from "./helpers/math.ts";\nexport const c = node({ name: "c", codeVersion: "v1", inputs: { x: dataset("x", z.number()) }, outputs: { y: dataset("yc", z.number()) }, run: ({ x }) => ({ y: x }) });\n`,
};
mkdirSync(join(root, "helpers"));
for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const load = async () => {
  const [{ a }, { b }, { c }] = await Promise.all(
    ["a.ts", "b.ts", "c.ts"].map((f) => import(pathToFileURL(join(root, f)).href)),
  );
  return pipeline([a, b, c]);
};
const hashes = (plan: Plan) => Object.fromEntries(plan.nodes.map((n) => [n.id, n.codeHash]));
const keys = (plan: Plan) => Object.fromEntries(plan.nodes.map((n) => [n.id, n.cacheKey]));

describe("code fingerprint", () => {
  test("records the local modules each node's file imports, transitively, and package versions", async () => {
    const plan = compile(await load(), { root });
    const byId = Object.fromEntries(plan.nodes.map((n) => [n.id, n]));
    expect(Object.keys(byId.a!.code.files)).toEqual(["helpers/math.ts"]);
    expect(Object.keys(byId.b!.code.files)).toEqual(["helpers/deep.ts", "helpers/scale.ts"]);
    expect(byId.c!.code.files).toEqual({});
    expect(byId.a!.code.packages.zod).toMatch(/^4\./);
    expect(byId.a!.location).toBe("a.ts:4");
  });

  test("editing a helper changes exactly the fingerprints of the nodes that import it", async () => {
    const p = await load();
    const before = compile(p, { root });
    writeFileSync(join(root, "helpers/deep.ts"), "export const offset = 2;\n");
    const after = compile(p, { root });
    expect(hashes(after).a).toBe(hashes(before).a);
    expect(hashes(after).b).not.toBe(hashes(before).b);
    expect(hashes(after).c).toBe(hashes(before).c);
    expect(keys(after).b).not.toBe(keys(before).b);
    expect(keys(after).a).toBe(keys(before).a);
  });

  test("editing a node's own code changes only its fingerprint", async () => {
    const p = await load();
    const before = compile(p, { root });
    writeFileSync(join(root, "a.ts"), files["a.ts"]!.replace("double(x)", "double(x) + 1"));
    const after = compile(p, { root });
    expect(hashes(after).a).not.toBe(hashes(before).a);
    expect(hashes(after).b).toBe(hashes(before).b);
  });

  test("a declared codeVersion replaces the code hash; type-only imports do not count", async () => {
    const p = await load();
    const before = compile(p, { root });
    writeFileSync(join(root, "c.ts"), files["c.ts"]!.replace("({ y: x })", "({ y: x + 0 })"));
    expect(hashes(compile(p, { root })).c).toBe(hashes(before).c);
  });
});

describe("importSpecifiers", () => {
  test("finds static, re-export, side-effect and dynamic imports, not type-only ones", () => {
    const src = [
      'import { a } from "./a.js";',
      'import * as b from "b-pkg";',
      'export { c } from "./c";',
      'import "./side.ts";',
      'const d = await import("./d.ts");',
      'import type { T } from "./types.ts";',
    ].join("\n");
    expect(importSpecifiers(src).sort()).toEqual(["./a.js", "./c", "./d.ts", "./side.ts", "b-pkg"]);
  });
});
