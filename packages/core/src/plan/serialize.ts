import { ErrorCode } from "../errors/codes.ts";
import { PipewrightError } from "../errors/errors.ts";
import { sha256 } from "../util/canonical.ts";
import { type Plan, PlanSchema } from "./schema.ts";

/** The plan as JSON text: 2-space indented, newline-terminated, stable byte for byte. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

// A 10k-node plan serialises to ~13 MB; the CLI and the adapters all ask for its hash.
// Plans are treated as immutable once compiled, so the hash is kept per plan object.
const hashes = new WeakMap<Plan, string>();

/**
 * sha256 of the serialized plan. Adapters embed it; `run-node --plan-hash` refuses to run
 * when the image's code compiles to a different plan. The values of runtime params are
 * left out: they may legitimately differ between the compile and the task (argo submit
 * -p), and the task validates them with their schema instead.
 */
export function planHash(plan: Plan): string {
  let h = hashes.get(plan);
  if (h === undefined) {
    h = sha256(serializePlan(withoutRuntimeValues(plan)));
    hashes.set(plan, h);
  }
  return h;
}

/** The plan with the value of every runtime param blanked (its id and schema still count). */
function withoutRuntimeValues(plan: Plan): Plan {
  if (!plan.params.some((p) => p.runtime)) return plan;
  return {
    ...plan,
    params: plan.params.map((p) => (p.runtime ? { ...p, value: null, valueHash: "runtime" } : p)),
  };
}

/**
 * Parses and validates plan JSON. `source` (a file name) goes into the error message.
 *
 * @example
 * const plan = parsePlan(readFileSync("plan.json", "utf8"), "plan.json");
 */
export function parsePlan(text: string, source = "plan"): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PipewrightError(
      ErrorCode.INVALID_PLAN,
      `${source} is not valid JSON: ${(error as Error).message}. Produce it with \`pipewright compile --target local\`.`,
      { cause: error },
    );
  }
  const result = PlanSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new PipewrightError(
      ErrorCode.INVALID_PLAN,
      `${source} is not a valid pipewright plan (irVersion 1): ${problems}. Produce it with \`pipewright compile --target local\`.`,
    );
  }
  return result.data;
}
