import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { diffPlans, ErrorCode, PipewrightError, parsePlan } from "@pipewright/core";
import { type Command, JSON_OPTION } from "../command.ts";
import { UsageError } from "../errors.ts";
import { json, plural } from "../output.ts";

function readPlan(cwd: string, file: string) {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), "utf8");
  } catch (error) {
    // A file named on the command line that is not there is a usage error (exit 2).
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new UsageError(`cannot read plan ${file}: no such file.`, "diff");
    throw new PipewrightError(
      ErrorCode.INVALID_PLAN,
      `cannot read plan ${file}: ${(error as Error).message}.`,
    );
  }
  return parsePlan(text, file);
}

export const diff: Command = {
  name: "diff",
  summary:
    "Compare two plans: nodes added, removed and changed (and why), and the caches that invalidates.",
  usage: "pipewright diff PLAN_A PLAN_B [--json]",
  options: { ...JSON_OPTION },
  positionals: { min: 2, max: 2 },
  examples: [
    "pipewright compile --out before.json && git stash pop && pipewright compile --out after.json && pipewright diff before.json after.json",
  ],
  async run({ values, positionals }, io) {
    const [fa, fb] = positionals as [string, string];
    const d = diffPlans(readPlan(io.cwd, fa), readPlan(io.cwd, fb));
    if (values.json) {
      io.out(json(d));
      return 0;
    }
    const c = io.colours;
    if (d.added.length + d.removed.length + d.changed.length === 0) {
      io.out("no changes\n");
      return 0;
    }
    for (const id of d.added) io.out(`${c.green("+")} ${id}\n`);
    for (const id of d.removed) io.out(`${c.red("-")} ${id}\n`);
    for (const ch of d.changed) {
      io.out(
        `${c.yellow("~")} ${ch.name}${d.invalidated.includes(ch.name) ? c.dim(" (cache invalidated)") : ""}\n`,
      );
      for (const cause of ch.causes) io.out(`    ${cause.kind}: ${cause.detail}\n`);
    }
    io.out(
      `\n${plural(d.invalidated.length, "cache")} invalidated${d.downstream.length ? `; downstream, re-run only if their inputs change: ${d.downstream.join(", ")}` : ""}\n`,
    );
    return 0;
  },
};
