import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cli, makeProject } from "../support/cli.ts";
import { random } from "../support/random.ts";

// A generated project edited at random, many times: after every edit, a cached run must
// write exactly what a from-scratch run writes; an edit that changes no code (a comment,
// whitespace, a file nothing imports) must run nothing; and no node whose code does not
// reach the edited file, and that is not downstream of one that does, may run.
// PIPEWRIGHT_SEED=<n> replays a run; the seed is in every failure message.

const SEED = Number(process.env.PIPEWRIGHT_SEED ?? 20261129);
const ITERATIONS = 14;

interface Lib {
  a: number;
  b: number;
  deps: number[];
  comments: number;
  spaced: boolean;
}
interface NodeModel {
  c: number;
  libs: number[];
  /** An earlier node whose output this one reads, or -1. */
  reads: number;
  comments: number;
}
interface Model {
  libs: Lib[];
  nodes: NodeModel[];
}

function generate(rand: () => number): Model {
  const int = (n: number) => Math.floor(rand() * n);
  const libs: Lib[] = [];
  for (let i = 0; i < 8; i++) {
    const deps = i > 0 && rand() < 0.6 ? [int(i)] : [];
    libs.push({ a: 1 + int(5), b: int(50), deps, comments: 0, spaced: false });
  }
  const nodes: NodeModel[] = [];
  // Libs 6 and 7 are imported by no node at first: edits to them must run nothing.
  for (let i = 0; i < 6; i++) {
    const libsOf = [int(6)];
    if (rand() < 0.4) libsOf.push(int(6));
    nodes.push({
      c: int(100),
      libs: [...new Set(libsOf)],
      reads: i > 0 && rand() < 0.5 ? int(i) : -1,
      comments: 0,
    });
  }
  return { libs, nodes };
}

const comments = (n: number) => Array.from({ length: n }, (_, i) => `// note ${i}\n`).join("");

function render(m: Model): Record<string, string> {
  const files: Record<string, string> = {};
  m.libs.forEach((l, i) => {
    const imports = l.deps.map((d) => `import { f${d} } from "./lib${d}.ts";\n`).join("");
    const calls = l.deps.map((d) => ` + f${d}(x)`).join("");
    const body = l.spaced
      ? `export const f${i} = (x: number) =>\n    x   *   ${l.a}\n    +   ${l.b}${calls} ;\n`
      : `export const f${i} = (x: number) => x * ${l.a} + ${l.b}${calls};\n`;
    files[`src/lib/lib${i}.ts`] = comments(l.comments) + imports + body;
  });
  m.nodes.forEach((n, i) => {
    const imports = n.libs.map((l) => `import { f${l} } from "./lib/lib${l}.ts";\n`).join("");
    const upstream = n.reads >= 0 ? `, up: out("n${n.reads}")` : "";
    const plus = n.reads >= 0 ? " + up.v" : "";
    const calls = n.libs.map((l) => ` + f${l}(input.x)`).join("");
    files[`src/n${i}.ts`] =
      `${comments(n.comments)}import { node } from "@pipewright/core";\nimport { input, out } from "./datasets.ts";\n${imports}` +
      `const C = ${n.c};\nexport const n${i} = node({ name: "n${i}", inputs: { input${upstream} }, outputs: { o: out("n${i}") }, ` +
      `run: ({ input${n.reads >= 0 ? ", up" : ""} }) => ({ o: { v: C${calls}${plus} } }) });\n`;
  });
  files["src/pipeline.ts"] =
    `import { pipeline } from "@pipewright/core";\n` +
    m.nodes.map((_, i) => `import { n${i} } from "./n${i}.ts";\n`).join("") +
    `export const all = pipeline([${m.nodes.map((_, i) => `n${i}`).join(", ")}]);\n`;
  return files;
}

/** Nodes whose code reaches lib `lib` through imports. */
function reaching(m: Model, lib: number): Set<number> {
  const reaches = (from: number): boolean =>
    from === lib || m.libs[from]!.deps.some((d) => reaches(d));
  const out = new Set<number>();
  m.nodes.forEach((n, i) => {
    if (n.libs.some(reaches)) out.add(i);
  });
  return out;
}

/** `start` and every node downstream of it. */
function downstream(m: Model, start: Set<number>): Set<number> {
  const out = new Set(start);
  m.nodes.forEach((n, i) => {
    if (n.reads >= 0 && out.has(n.reads)) out.add(i);
  });
  return out;
}

function runJson(dir: string, extra: string[], seed: string) {
  const r = cli(["run", "--json", ...extra], { cwd: dir });
  if (r.code !== 0) throw new Error(`${seed}: run failed: ${r.stderr}`);
  const rec = JSON.parse(r.stdout) as { nodes: { name: string; status: string }[] };
  return rec.nodes.filter((n) => n.status === "ran").map((n) => n.name);
}

/** The exact bytes of every node's output. */
function outputs(dir: string, m: Model): string[] {
  return m.nodes.map((_, i) => readFileSync(join(dir, "out", `n${i}.json`), "utf8"));
}

describe("randomised edits: cached run == from-scratch run", () => {
  test(`${ITERATIONS} random edits of a generated project (seed ${SEED})`, () => {
    const rand = random(SEED);
    const int = (n: number) => Math.floor(rand() * n);
    const model = generate(rand);
    const catalog =
      "input:\n  type: json\n  path: data/input.json\n" +
      model.nodes.map((_, i) => `n${i}:\n  type: json\n  path: out/n${i}.json\n`).join("");
    const dir = makeProject({
      "pipewright.config.ts": `import { defineConfig } from "pipewright";\nexport default defineConfig({ pipelines: { __default__: () => import("./src/pipeline.ts").then((m) => m.all) } });\n`,
      "conf/catalog.yaml": catalog,
      "data/input.json": '{ "x": 3 }\n',
      "src/datasets.ts": `import { z } from "zod";\nimport { dataset } from "@pipewright/core";\nexport const input = dataset("input", z.object({ x: z.number() }));\nexport const out = (name: string) => dataset(name, z.object({ v: z.number() }));\n`,
      ...render(model),
    });
    const write = () => {
      for (const [path, text] of Object.entries(render(model))) {
        const full = join(dir, path);
        if (readFileSync(full, "utf8") !== text) writeFileSync(full, text);
      }
    };
    runJson(dir, [], `seed ${SEED}`);
    for (let it = 0; it < ITERATIONS; it++) {
      const where = `seed ${SEED}, edit ${it}`;
      const kind = int(6);
      let allowed: Set<number> | "none" = "none";
      let what = "";
      if (kind === 0) {
        const l = int(8);
        model.libs[l]!.b += 1 + int(5);
        allowed = downstream(model, reaching(model, l));
        what = `lib${l} constant`;
      } else if (kind === 1) {
        const n = int(model.nodes.length);
        model.nodes[n]!.c += 1 + int(5);
        allowed = downstream(model, new Set([n]));
        what = `n${n} constant`;
      } else if (kind === 2) {
        const l = int(8);
        if (rand() < 0.5) model.libs[l]!.comments++;
        else model.libs[l]!.spaced = !model.libs[l]!.spaced;
        allowed = "none";
        what = `lib${l} comment/whitespace`;
      } else if (kind === 3) {
        const n = int(model.nodes.length);
        model.nodes[n]!.comments++;
        allowed = "none";
        what = `n${n} comment`;
      } else if (kind === 4) {
        // A new import edge between libs (lower index only: no cycles).
        const l = 1 + int(7);
        const d = int(l);
        if (!model.libs[l]!.deps.includes(d)) model.libs[l]!.deps.push(d);
        allowed = downstream(model, reaching(model, l));
        what = `lib${l} now imports lib${d}`;
      } else {
        // A lib nothing reaches, if there is one.
        const unreached = model.libs.map((_, i) => i).filter((i) => reaching(model, i).size === 0);
        if (unreached.length === 0) continue;
        const l = unreached[int(unreached.length)]!;
        model.libs[l]!.a += 1;
        allowed = "none";
        what = `unreached lib${l}`;
      }
      write();
      const ran = runJson(dir, [], where);
      const cached = outputs(dir, model);
      rmSync(join(dir, "out"), { recursive: true, force: true });
      runJson(dir, ["--no-cache"], where);
      const scratch = outputs(dir, model);
      expect(cached, `${where} (${what}): cached != scratch`).toEqual(scratch);
      if (allowed === "none") expect(ran, `${where} (${what}): should run nothing`).toEqual([]);
      else {
        const extra = ran.filter((name) => !allowed.has(Number(name.slice(1))));
        expect(extra, `${where} (${what}): nodes outside the edit's reach ran`).toEqual([]);
      }
    }
  }, 600_000);
});
