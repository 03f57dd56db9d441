import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cli, makeProject } from "../support/cli.ts";

/**
 * A project whose nodes reach their code in every way the fingerprint must follow: a
 * helper and a constant in the node's own file, a class method, a tsconfig `paths` alias,
 * a package.json `#imports` entry, a multi-line import list with a comment, a factory in
 * another file, imports two levels deep, default and renamed re-exports, a JSON import, a
 * helper shared by nodes in two files, a package in node_modules, and a file read with fs
 * (declared in `codeFiles`). Every node writes `out/<name>.json`, so outputs can be compared.
 */
export const FILES: Record<string, string> = {
  "package.json": JSON.stringify(
    { name: "soundness", private: true, type: "module", imports: { "#util": "./src/lib/util.ts" } },
    null,
    2,
  ),
  "tsconfig.json": JSON.stringify(
    {
      extends: "./tsconfig.base.json",
      compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["src/lib/*"] } },
    },
    null,
    2,
  ),
  "tsconfig.base.json": JSON.stringify({ compilerOptions: { useDefineForClassFields: true } }),
  "pipewright.config.ts": `import { defineConfig } from "pipewright";
export default defineConfig({
  pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) },
});
`,
  "conf/params.yaml": "factor: 2\n",
  "data/input.json": '{ "x": 5 }\n',
  "sql/query.sql": "select 1\n",
  "node_modules/fakedep/package.json":
    '{ "name": "fakedep", "version": "1.0.0", "type": "module", "main": "index.js" }\n',
  "node_modules/fakedep/index.js": "export const dep = (x) => x + 1;\n",
  "src/datasets.ts": `import { z } from "zod";
import { dataset, param } from "@pipewright/core";
export const input = dataset("input", z.object({ x: z.number() }));
export const factor = param("factor", z.number());
export const out = (name: string) => dataset(name, z.object({ v: z.number() }));
`,
  "src/own.ts": `import { node } from "@pipewright/core";
import { input, out } from "./datasets.ts";
const K = 3;
function helper(x: number): number {
  return x + K;
}
class Scaler {
  scale(x: number): number {
    return x * 2;
  }
}
export const own = node({ name: "own", inputs: { input }, outputs: { o: out("own") }, run: ({ input }) => ({ o: { v: helper(input.x) } }) });
export const method = node({ name: "method", inputs: { input }, outputs: { o: out("method") }, run: ({ input }) => ({ o: { v: new Scaler().scale(input.x) } }) });
`,
  "src/lib/x.ts": "export const addLib = (x: number) => x + 10;\n",
  "src/lib/util.ts": "export const util = (x: number) => x + 20;\n",
  "src/lib/multi.ts": "export const mul = (x: number) => x * 3;\nexport const other = 1;\n",
  "src/lib/deep1.ts":
    'import { deep2 } from "./deep2.ts";\nexport const deep1 = (x: number) => deep2(x) + 1;\n',
  "src/lib/deep2.ts": "export const deep2 = (x: number) => x * 7;\n",
  "src/lib/dflt.ts": "export default function dflt(x: number) {\n  return x - 1;\n}\n",
  "src/lib/orig.ts": "export const orig = (x: number) => x * 11;\n",
  "src/lib/barrel.ts":
    'export { default as dflt } from "./dflt.ts";\nexport { orig as renamed } from "./orig.ts";\n',
  "src/lib/cfg.json": '{ "offset": 40 }\n',
  "src/lib/shared.ts": "export const shared = (x: number) => x + 50;\n",
  "src/lib/unused.ts": "export const unused = 1;\n",
  "src/imports.ts": `import { node } from "@pipewright/core";
import { dep } from "fakedep";
import { util } from "#util";
import { addLib } from "@lib/x";
import {
  mul, // the comment inside the import list
  other,
} from "./lib/multi.ts";
import { deep1 } from "./lib/deep1.ts";
import { dflt, renamed } from "./lib/barrel.ts";
import cfg from "./lib/cfg.json";
import { input, out } from "./datasets.ts";
const mk = (name: string, f: (x: number) => number) =>
  node({ name, inputs: { input }, outputs: { o: out(name) }, run: ({ input }) => ({ o: { v: f(input.x) } }) });
export const imports = [
  mk("alias", addLib),
  mk("subpath", util),
  mk("multi", (x) => mul(x) + other),
  mk("deep", deep1),
  mk("reexport", (x) => dflt(x) + renamed(x)),
  mk("json", (x) => x + cfg.offset),
  mk("dep", dep),
];
`,
  "src/factory.ts": `import { node } from "@pipewright/core";
import { input, out } from "./datasets.ts";
export const makeNode = (name: string, f: (x: number) => number) =>
  node({ name, inputs: { input }, outputs: { o: out(name) }, run: ({ input }) => ({ o: { v: f(input.x) } }) });
`,
  "src/factory-use.ts": `import { makeNode } from "./factory.ts";
export const fromFactory = makeNode("factory", (x) => x + 100);
`,
  "src/g.ts": `import { node } from "@pipewright/core";
import { input, out } from "./datasets.ts";
import { shared } from "./lib/shared.ts";
export const g = node({ name: "g", inputs: { input }, outputs: { o: out("g") }, run: ({ input }) => ({ o: { v: shared(input.x) } }) });
`,
  "src/h.ts": `import { node } from "@pipewright/core";
import { input, out } from "./datasets.ts";
import { shared } from "./lib/shared.ts";
export const h = node({ name: "h", inputs: { input }, outputs: { o: out("h") }, run: ({ input }) => ({ o: { v: shared(input.x) * 2 } }) });
`,
  "src/sql.ts": `import { readFileSync } from "node:fs";
import { node } from "@pipewright/core";
import { input, out } from "./datasets.ts";
export const sql = node({ name: "sql", codeFiles: ["sql/query.sql"], inputs: { input }, outputs: { o: out("sql") }, run: ({ input }) => ({ o: { v: input.x + readFileSync("sql/query.sql", "utf8").length } }) });
`,
  // A declared field resets what the base constructor set, or not, as the tsconfig it
  // extends says; an extensionless import resolves to a folder's index until a file of
  // that name appears beside the folder.
  "src/layout.ts": `import { node } from "@pipewright/core";
import { input, out } from "./datasets.ts";
import { sub } from "./parts/sub";
class Base {
  constructor() {
    this.init();
  }
  init(): void {}
}
class Derived extends Base {
  value?: number;
  override init(): void {
    this.value = 5;
  }
}
export const fields = node({ name: "fields", inputs: { input }, outputs: { o: out("fields") }, run: ({ input }) => ({ o: { v: input.x + (new Derived().value ?? -1) } }) });
export const resolved = node({ name: "resolved", inputs: { input }, outputs: { o: out("resolved") }, run: ({ input }) => ({ o: { v: sub(input.x) } }) });
`,
  // src/parts holds no module itself, only the folder sub/.
  "src/parts/sub/index.ts": "export const sub = (x: number) => x + 60;\n",
  "src/total.ts": `import { node } from "@pipewright/core";
import { factor, out } from "./datasets.ts";
export const total = node({
  name: "total",
  inputs: { g: out("g"), h: out("h"), factor },
  outputs: { o: out("total") },
  run: ({ g, h, factor }) => ({ o: { v: (g.v + h.v) * factor } }),
});
`,
  // Composition only: a node's fingerprint covers its own file's imports, so nodes live in
  // files of their own and this file only gathers them.
  "src/pipeline.ts": `import { pipeline } from "@pipewright/core";
import { fromFactory } from "./factory-use.ts";
import { g } from "./g.ts";
import { h } from "./h.ts";
import { imports } from "./imports.ts";
import { fields, resolved } from "./layout.ts";
import { method, own } from "./own.ts";
import { sql } from "./sql.ts";
import { total } from "./total.ts";
export const all = pipeline([own, method, ...imports, fromFactory, g, h, sql, total, fields, resolved]);
`,
};

/** Every node's output dataset, written as JSON under out/. */
export const NODES = [
  "own",
  "method",
  "alias",
  "subpath",
  "multi",
  "deep",
  "reexport",
  "json",
  "dep",
  "factory",
  "g",
  "h",
  "sql",
  "total",
  "fields",
  "resolved",
];

/** Catalog: the input and every output stored as JSON files. */
FILES["conf/catalog.yaml"] = [
  "input:\n  type: json\n  path: data/input.json\n",
  ...NODES.map((n) => `${n}:\n  type: json\n  path: out/${n}.json\n`),
].join("");

export function soundnessProject(): string {
  return makeProject(FILES);
}

/** Replaces `from` by `to` in a project file; throws when `from` is not there (a stale edit). */
export function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file}: ${String(from)} not found`);
  writeFileSync(path, next);
}

export function writeFile(dir: string, file: string, text: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
}

export interface RunResult {
  ran: string[];
  outputs: Record<string, string>;
}

/** `pipewright run --json` (cached unless told), returning which nodes ran and every output's bytes. */
export function run(dir: string, extra: string[] = []): RunResult {
  const r = cli(["run", "--json", ...extra], { cwd: dir });
  if (r.code !== 0) throw new Error(`pipewright run failed (${r.code}): ${r.stderr}`);
  const record = JSON.parse(r.stdout) as { nodes: { name: string; status: string }[] };
  const outputs: Record<string, string> = {};
  for (const n of NODES) outputs[n] = readFileSync(join(dir, "out", `${n}.json`), "utf8");
  return {
    ran: record.nodes
      .filter((n) => n.status === "ran")
      .map((n) => n.name)
      .sort(),
    outputs,
  };
}

/**
 * The invariant: a cached run of the edited project writes what a from-scratch run of it
 * writes. The from-scratch run is `--no-cache` after wiping the outputs.
 */
export function cachedEqualsScratch(dir: string): { cached: RunResult; scratch: RunResult } {
  const cached = run(dir);
  rmSync(join(dir, "out"), { recursive: true, force: true });
  const scratch = run(dir, ["--no-cache"]);
  return { cached, scratch };
}
