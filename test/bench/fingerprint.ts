// Code fingerprinting (issue #10) on a project written as users write it: 10k nodes over
// 100 modules, a distinct zod schema per dataset, every module importing a shared helper.
// Cold: the module graph is built by esbuild and every module's code hashed. Warm, same
// process: the stamps still match (a few stat calls). Warm, new process: the state comes
// back from fingerprints.json. Compared with the same compile without fingerprinting (every
// node declares a codeVersion), in the same run.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compile, type Pipeline } from "../../packages/core/src/index.ts";
import { type BenchSection, fmtMs, timeMs } from "./types.ts";

const MODULES = 100;
const PER_MODULE = 100;
const root = join(import.meta.dirname, "..", "..", ".tmp", "bench-fingerprint");

function schema(name: string): string {
  return `z.object({ ${name}: z.number(), at: z.string() })`;
}

// Module m declares layer m's datasets and nodes; its inputs are layer m-1's outputs, imported.
function module(m: number, versioned: boolean): string {
  const prev = m === 0 ? "./sources.ts" : `./m${m - 1}.ts`;
  const lines = [
    'import { z } from "zod";',
    'import { dataset, node } from "@pipewright/core";',
    'import { combine } from "./helpers.ts";',
    `import { outs as prev } from "${prev}";`,
    "export const outs = [",
  ];
  for (let i = 0; i < PER_MODULE; i++)
    lines.push(`  dataset("d_${m}_${i}", ${schema(`d_${m}_${i}`)}),`);
  lines.push("];", "export const nodes = [");
  for (let i = 0; i < PER_MODULE; i++) {
    lines.push(
      `  node({ name: "n_${m}_${i}",${versioned ? ' codeVersion: "1",' : ""} inputs: { a: prev[${i}]!, b: prev[${(i + 1) % PER_MODULE}]! }, outputs: { out: outs[${i}]! }, run: ({ a, b }) => ({ out: combine(a, b) }) }),`,
    );
  }
  lines.push("];", "");
  return lines.join("\n");
}

function sources(): string {
  const lines = [
    'import { z } from "zod";',
    'import { dataset } from "@pipewright/core";',
    "export const outs = [",
  ];
  for (let i = 0; i < PER_MODULE; i++) lines.push(`  dataset("source_${i}", ${schema(`s_${i}`)}),`);
  lines.push("];", "");
  return lines.join("\n");
}

async function project(versioned: boolean): Promise<Pipeline> {
  const dir = join(root, versioned ? "versioned" : "fingerprinted");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "helpers.ts"),
    "export const combine = (a: object, b: object) => ({ ...a, ...b }) as never;\n",
  );
  writeFileSync(join(dir, "sources.ts"), sources());
  for (let m = 0; m < MODULES; m++) writeFileSync(join(dir, `m${m}.ts`), module(m, versioned));
  const { pipeline } = await import("../../packages/core/src/index.ts");
  const nodes = [];
  for (let m = 0; m < MODULES; m++)
    nodes.push(...(await import(pathToFileURL(join(dir, `m${m}.ts`)).href)).nodes);
  return pipeline(nodes);
}

export async function bench(): Promise<BenchSection> {
  const fingerprinted = await project(false);
  const versioned = await project(true);
  const dir = join(root, "fingerprinted");
  // Files written just now are "racily clean" for two seconds; wait as an editor's user would.
  await new Promise((r) => setTimeout(r, 2100));
  const stateDir = join(dir, ".pipewright");
  const cold = await timeMs(() => compile(fingerprinted, { root: dir, stateDir }), 1);
  const warm = await timeMs(() => compile(fingerprinted, { root: dir, stateDir }), 5);
  const none = await timeMs(() => compile(versioned, { root: join(root, "versioned") }), 5);
  rmSync(root, { recursive: true, force: true });
  return {
    title: "Code fingerprint (10k nodes in 100 modules)",
    rows: [
      { name: "compile, cold (esbuild graph + code hashes of 101 modules)", value: fmtMs(cold) },
      { name: "compile, warm (stamps match)", value: fmtMs(warm) },
      { name: "compile without fingerprinting (codeVersion on every node)", value: fmtMs(none) },
      { name: "warm fingerprinting cost", value: fmtMs(Math.max(0, warm - none)) },
    ],
    notes: [
      "Each module declares 100 nodes with distinct zod schemas; all import one helper module.",
      "A new process finds the same state in .pipewright/fingerprints.json: its cost is the warm row plus reading that file.",
    ],
  };
}
