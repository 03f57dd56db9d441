// CLI cold start (issue #4): `pipewright ls` on the spaceflights example, a fresh process
// each time, the way a user types it. Kedro reports 6–24 s for comparable commands
// (kedro#3033, kedro#1476).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { type BenchSection, fmtMs } from "./types.ts";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "packages", "cli", "bin", "pipewright.cjs");
const project = join(root, "examples", "spaceflights");

function median(args: string[], runs: number): number {
  const times: number[] = [];
  spawnSync(process.execPath, [bin, ...args], { cwd: project }); // warm the transform cache
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: project, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`pipewright ${args.join(" ")} failed: ${r.stderr}`);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export async function bench(): Promise<BenchSection> {
  const node = median(["--version"], 7);
  const ls = median(["ls"], 7);
  const lsOne = median(["ls", "--pipeline", "data_processing"], 7);
  const floor = (args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      spawnSync(process.execPath, args, { cwd: project });
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[3]!;
  };
  const bare = floor(["-e", "0"]);
  // Loading TypeScript at run time is tsx's loader thread: a floor for any TS project.
  const tsx = floor(["--import", "tsx", "-e", "0"]);
  return {
    title:
      "CLI cold start in this workspace (the CLI itself from TypeScript sources, spaceflights)",
    rows: [
      { name: "`node -e 0` (the floor)", value: fmtMs(bare) },
      { name: "`node --import tsx -e 0` (the floor for a TypeScript config)", value: fmtMs(tsx) },
      { name: "`pipewright --version`", value: fmtMs(node) },
      {
        name: "`pipewright ls` (all 3 pipelines)",
        value: fmtMs(ls),
        target: "≤ 500 ms",
        peer: "Kedro: 6–24 s (kedro#3033, kedro#1476)",
      },
      { name: "`pipewright ls --pipeline data_processing` (loads one)", value: fmtMs(lsOne) },
    ],
    notes: [
      "Median of 7 fresh processes after one warm-up (tsx's transform cache warm, as on a developer's machine).",
      "A contributor's set-up: the CLI runs from its .ts sources through tsx (issue #4's target). Users run the installed CLI: see the next section for those figures and issue #12's target.",
    ],
  };
}
