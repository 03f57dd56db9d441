// The image's `__name` statements that blankRedundantNames removes (packages/cli/src/image/names.ts):
// every function and class keeps the name it has when Node runs the modules unbundled.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { random } from "../../../test/support/random.ts";
import { blankRedundantNames } from "../src/image/names.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pw-image-names-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

// Few names, so that modules collide and esbuild renames (f2, init3) in the bundle.
const POOL = ["f", "g", "init", "run", "C", "Store"];
const KINDS = ["declaration", "nested", "class", "named-class", "arrow", "let-function", "block"];

/**
 * A module declaring some of POOL's names, each in a random way, and a `names()` that
 * returns the name of everything it declared.
 */
function randomModule(next: () => number, index: number): string {
  const lines: string[] = [];
  const reads: string[] = [];
  for (const name of POOL) {
    if (next() < 0.35) continue;
    const kind = KINDS[Math.floor(next() * KINDS.length)]!;
    if (kind === "declaration") lines.push(`function ${name}() { return 1; }`);
    if (kind === "nested") lines.push(`function ${name}() { function inner() {} return inner; }`);
    if (kind === "class") lines.push(`class ${name} { static x = ${index}; m() {} }`);
    // A static `name` member wins over the class's own.
    if (kind === "named-class") lines.push(`class ${name} { static name = "custom${index}"; }`);
    if (kind === "arrow") lines.push(`const ${name} = () => ${index};`);
    if (kind === "let-function") lines.push(`let ${name} = function () {};`);
    if (kind === "block") {
      lines.push(
        `let ${name}; if (${index} >= 0) { function ${name}Block() {} ${name} = ${name}Block; }`,
      );
    }
    reads.push(kind === "nested" ? `${name}().name` : `${name}.name`);
  }
  if (next() < 0.5) lines.push("export default function () {}");
  else lines.push("export default class {}");
  lines.push(`export const names = () => [${reads.join(", ")}];`);
  return `${lines.join("\n")}\n`;
}

/** What `node file` prints, parsed. */
function run(file: string): unknown {
  return JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }));
}

async function bundle(entry: string): Promise<string> {
  const esbuild = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  // The image build's options that shape __name (see build.ts).
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    keepNames: true,
    minifyWhitespace: true,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

describe("blankRedundantNames", () => {
  test("on random modules with colliding names, every name is the one Node gives the unbundled modules", async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const next = random(seed);
      const count = 3 + Math.floor(next() * 4);
      const imports: string[] = [];
      for (let i = 0; i < count; i++) {
        writeFileSync(join(root, `m${i}.mjs`), randomModule(next, i));
        imports.push(`import * as m${i} from "./m${i}.mjs";`);
      }
      const all = Array.from({ length: count }, (_, i) => `[m${i}.names(), m${i}.default.name]`);
      writeFileSync(
        join(root, "entry.mjs"),
        `${imports.join("\n")}\nconsole.log(JSON.stringify([${all.join(", ")}]));\n`,
      );
      const code = await bundle(join(root, "entry.mjs"));
      const blanked = blankRedundantNames(code);
      expect(blanked.length, `seed ${seed}`).toBe(code.length);
      expect(blanked.split("\n").length, `seed ${seed}`).toBe(code.split("\n").length);
      // Something to blank, and something renamed that must stay.
      expect(blanked.match(/__name\(/g)!.length, `seed ${seed}`).toBeLessThan(
        code.match(/__name\(/g)!.length,
      );
      writeFileSync(join(root, "bundle.cjs"), blanked);
      expect(run(join(root, "bundle.cjs")), `seed ${seed}`).toEqual(run(join(root, "entry.mjs")));
    }
  });

  test("keeps a call whose value is used, a renamed binding's and a class's own", () => {
    const kept = [
      'var g=__name(f,"f");',
      'a(),__name(f,"f");',
      'x=[__name(f,"f")];',
      'function f2(){}__name(f2,"f");',
      'var C=class{static{__name(this,"C")}};',
      'var g=__name(()=>1,"g");',
    ];
    for (const code of kept) expect(blankRedundantNames(code)).toBe(code);
  });

  test("blanks a statement after a declaration, in a block and at a line's start, keeping the text's length", () => {
    expect(blankRedundantNames('function f(){}__name(f,"f");x()')).toBe(
      `function f(){}${" ".repeat(13)};x()`,
    );
    expect(blankRedundantNames('if(a){let b=function(){};__name(b,"b")}')).toBe(
      `if(a){let b=function(){};${" ".repeat(13)}}`,
    );
    expect(blankRedundantNames('f();\n__name(f,"f");')).toBe(`f();\n${" ".repeat(13)};`);
  });
});
