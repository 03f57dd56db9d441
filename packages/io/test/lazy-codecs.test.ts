// The table codecs (csv-parse/-stringify, hyparquet/-writer: ~100 modules) load on first
// use, not with @pipewright/io: `ls`, `status` and a cached `run-node` never touch a table,
// and each module Node loads adds to every command's start-up.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "vitest";

const here = import.meta.dirname;

/** The URLs of the modules a script loads, recorded by a module hook. */
function modulesLoadedBy(script: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "pw-lazy-"));
  const log = join(dir, "loaded.txt");
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + "\\n");
  return next(url, context);
}
`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`,
  );
  writeFileSync(log, "");
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--import", join(dir, "register.mjs"), "--input-type=module", "-e", script],
    { cwd: here, encoding: "utf8" },
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

const CODECS = /\/(csv-parse|csv-stringify|hyparquet|hyparquet-writer)\//;

test("importing @pipewright/io loads no table codec", () => {
  const loaded = modulesLoadedBy('await import("@pipewright/io");');
  expect(loaded.some((u) => u.includes("/io/src/index.ts"))).toBe(true);
  expect(loaded.filter((u) => CODECS.test(u))).toEqual([]);
});

test("encoding a csv or parquet table loads that codec then", () => {
  const loaded = modulesLoadedBy(`
import { z } from "zod";
import { findFormat } from ${JSON.stringify(pathToFileURL(join(here, "../src/formats/registry.ts")).href)};
const schema = z.array(z.object({ a: z.number() }));
for (const type of ["csv", "parquet"]) {
  const bytes = await findFormat(type).encode([{ a: 1 }], { dataset: "t", schema, options: {} });
  if (!(bytes.length > 0)) throw new Error("no bytes");
}
`);
  for (const codec of ["csv-stringify", "hyparquet-writer"])
    expect(loaded.some((u) => u.includes(`/${codec}/`))).toBe(true);
  expect(loaded.some((u) => u.includes("/csv-parse/"))).toBe(false);
});
