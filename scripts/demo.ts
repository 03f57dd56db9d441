// The README's demo until the CLI lands: compiles the docs example pipeline and prints a summary.
import { execFileSync } from "node:child_process";
import { PlanSchema } from "@pipewright/core";

const text = execFileSync(process.execPath, ["--import", "tsx", "scripts/plan-example.ts"], { encoding: "utf8" });
const plan = PlanSchema.parse(JSON.parse(text));
console.log(`pipeline "${plan.pipeline}": ${plan.nodes.length} nodes, ${plan.datasets.length} datasets`);
for (const n of plan.nodes) console.log(`  ${n.id}  ${Object.values(n.inputs).join(", ")} -> ${Object.values(n.outputs).join(", ")}  key ${n.cacheKey.slice(0, 12)}`);
