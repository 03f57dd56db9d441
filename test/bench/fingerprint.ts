// Code fingerprinting (issue #10) on a project written as users write it: 10k nodes over
// 100 modules, a distinct zod schema per dataset, every module importing a shared helper
// (the project of the compile benchmark: support/layered-project.ts).
// Cold: the module graph is built by esbuild and every module's code hashed. Warm, same
// process: the stamps still match (a few stat calls). Warm, new process: the state comes
// back from fingerprints.json. Compared with the same compile without fingerprinting (every
// node declares a codeVersion), in the same run.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadPipeline, loadProject } from "../../packages/cli/src/project.ts";
import { compile, type Pipeline } from "../../packages/core/src/index.ts";
import { writeLayeredProject } from "./support/layered-project.ts";
import { type BenchSection, fmtMs, timeMs } from "./types.ts";

const MODULES = 100;
const PER_MODULE = 100;
const root = join(import.meta.dirname, "..", "..", ".tmp", "bench-fingerprint");

/** The generated project (support/layered-project.ts), loaded in this process as the CLI loads it. */
async function project(versioned: boolean): Promise<Pipeline> {
  const dir = join(root, versioned ? "versioned" : "fingerprinted");
  writeLayeredProject(dir, { modules: MODULES, perModule: PER_MODULE, versioned });
  return loadPipeline(await loadProject(dir), "__default__");
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
      { name: "compile, cold (esbuild graph + code hashes of 103 modules)", value: fmtMs(cold) },
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
