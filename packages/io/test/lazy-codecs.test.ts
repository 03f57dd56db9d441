// The table codecs (csv-parse/-stringify, hyparquet/-writer: ~100 modules) load on first
// use, not with @pipewright/io: `ls`, `status` and a cached `run-node` never touch a table,
// and each module Node loads adds to every command's start-up.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "vitest";
import { modulesLoadedBy as loadedBy } from "../../../test/support/modules.ts";

const here = import.meta.dirname;

/** The modules a script loads, through tsx as in this workspace. */
function modulesLoadedBy(script: string): string[] {
  const r = loadedBy(["--import", "tsx", "--input-type=module", "-e", script], here);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.urls;
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
