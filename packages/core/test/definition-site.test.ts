// node() reads its definition site from V8's call sites, mapping only their locations,
// instead of formatting the stack and parsing the text (see location.ts). On random
// projects (factories across modules, methods, closures, async callers, callbacks, code run
// at import), loaded through tsx and as a source-mapped bundle as the CLI loads one, both
// ways must find the same site: file, line, column and the files on the stack.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject } from "../../../test/support/cli.ts";
import { random } from "../../../test/support/random-plan.ts";
import { esbuild } from "../src/compile/esbuild.ts";

const LOCATION = join(import.meta.dirname, "..", "src", "authoring", "location.ts");
// Both ways as callerSite() reads them, and as callerSite(node) does from node() (Via).
const RECORDS = ["S.push(callerSiteBothWays());", "S.push(callerSiteBothWaysVia());"];

/** Modules m0..mN; each function records a site and/or calls functions declared before it. */
function randomProject(seed: number): Record<string, string> {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const record = () => pick(RECORDS);
  const modules = 2 + Math.floor(next() * 4);
  const files: Record<string, string> = {};
  const earlier: { module: number; name: string; async: boolean }[] = [];
  for (let m = 0; m < modules; m++) {
    const lines = [
      `import { callerSiteBothWays, callerSiteBothWaysVia } from ${JSON.stringify(LOCATION)};`,
      ...Array.from({ length: m }, (_, i) => `import * as m${i} from "./m${i}.ts";`),
      "const S = (globalThis as { sites?: unknown[] }).sites!;",
    ];
    if (next() < 0.4) lines.push(record()); // at import: above it is a module loader
    for (let f = 0; f < 1 + Math.floor(next() * 4); f++) {
      const name = `f${f}`;
      const isAsync = next() < 0.3;
      const body: string[] = [];
      for (let s = 0; s < 1 + Math.floor(next() * 3); s++) {
        // A function that is not async only calls ones that are not (it could not await them).
        const callable = earlier.filter((e) => isAsync || !e.async);
        const callee = callable.length > 0 && next() < 0.6 ? pick(callable) : undefined;
        const call = callee
          ? `${callee.async ? "await " : ""}${callee.module === m ? "" : `m${callee.module}.`}${callee.name}()`
          : undefined;
        body.push(
          pick([
            record(),
            `[1, 2].map(() => { ${record()} });`,
            `new (class { constructor() { ${record()} } })();`,
            `({ method() { ${record()} } }).method();`,
            call ? `${call};` : record(),
            call && !isAsync ? `[0].forEach(() => { ${call}; });` : record(),
          ]),
        );
      }
      const head = isAsync ? `export async function ${name}()` : `export function ${name}()`;
      lines.push(`${head} {`, ...body.map((b) => `  ${b}`), "}");
      earlier.push({ module: m, name, async: isAsync });
    }
    files[`m${m}.ts`] = `${lines.join("\n")}\n`;
  }
  const entry = [
    "(globalThis as { sites?: unknown[] }).sites = [];",
    ...Array.from({ length: modules }, (_, i) => `import * as m${i} from "./m${i}.ts";`),
    "async function main() {",
    ...earlier.map((e) => `  ${e.async ? "await " : ""}m${e.module}.${e.name}();`),
    "}",
    "await main();",
    "process.stdout.write(JSON.stringify((globalThis as { sites?: unknown[] }).sites));",
  ];
  // The sites array must exist before the modules run: a module of its own, imported first.
  files["entry.ts"] = `import "./init.ts";\n${entry.slice(1).join("\n")}\n`;
  files["init.ts"] = `${entry[0]}\n`;
  return files;
}

type Both = { fromCallSites: unknown; fromText: unknown };

function run(args: string[], cwd: string): Both[] {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Both[];
}

function expectSame(sites: Both[], label: string): void {
  expect(sites.length, label).toBeGreaterThan(0);
  for (const [i, s] of sites.entries())
    expect(s.fromCallSites, `${label}, site ${i}`).toEqual(s.fromText);
}

describe("definition sites from call sites", () => {
  it("match the formatted stack under tsx and in a source-mapped bundle", () => {
    let found = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const dir = makeProject(randomProject(seed));
      const viaTsx = run(["--import", "tsx", "entry.ts"], dir);
      expectSame(viaTsx, `seed ${seed}, tsx`);
      // As the CLI loads a project: one bundle under build/, source maps on.
      const bundle = join(dir, "build", "project-0123456789abcdef0123.mjs");
      mkdirSync(join(dir, "build"), { recursive: true });
      esbuild().buildSync({
        entryPoints: [join(dir, "entry.ts")],
        bundle: true,
        outfile: bundle,
        format: "esm",
        platform: "node",
        sourcemap: "inline",
        keepNames: true,
        logLevel: "silent",
      });
      const viaBundle = run(["--enable-source-maps", bundle], dir);
      expectSame(viaBundle, `seed ${seed}, bundle`);
      found += viaTsx.filter((s) => s.fromText !== null).length;
    }
    // Most records name a site: the comparison is not between two nulls.
    expect(found).toBeGreaterThan(20);
  });

  it("are read from the formatted text when someone else formats stacks", () => {
    const dir = makeProject({ "x.ts": "export {};\n" });
    writeFileSync(
      join(dir, "entry.ts"),
      [
        `import { callerSite, nodeFormatsStacks } from ${JSON.stringify(LOCATION)};`,
        "const before = nodeFormatsStacks();",
        "let calls = 0;",
        // A formatter of someone else's (as vitest installs one): only it knows the text.
        'Error.prepareStackTrace = (e, sites) => { calls++; return [String(e), ...sites.map((s) => "    at " + s)].join("\\n"); };',
        "const site = callerSite();",
        "process.stdout.write(JSON.stringify({ before, after: nodeFormatsStacks(), calls, file: site?.location.file }));",
        "",
      ].join("\n"),
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", "entry.ts"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(JSON.parse(r.stdout)).toEqual({
      before: true,
      after: false,
      calls: 1,
      file: join(dir, "entry.ts"),
    });
  });
});
