import { CompileError, closest, ErrorCode, type Issue } from "@pipewright/core";
import * as check from "./checks.ts";
import { MAX_BATCHES_LIMIT } from "./fan-out.ts";
import { type KubeflowOptions, OPTION_KEYS } from "./options.ts";
import { validatePod } from "./validate-pod.ts";

const ENGINES = ["kubeflow", "vertex"];
const GROUP_BY = ["node", "namespace", "tag", "memory"];

/** Collects option problems, each with its path (`kubeflow.storage.cache`). */
export class OptionIssues {
  readonly issues: Issue[] = [];

  add(path: string, message: string): void {
    this.issues.push({
      code: ErrorCode.ADAPTER_OPTION,
      message: `kubeflow option ${path} ${message}.`,
      path: ["kubeflow", ...path.split(".")],
    });
  }

  /** A non-empty string passing every check, when given. */
  str(path: string, value: unknown, ...checks: check.Check[]): void {
    if (value === undefined) return;
    if (typeof value !== "string" || value === "") {
      this.add(path, `must be a non-empty string, got ${JSON.stringify(value)}`);
      return;
    }
    const problem = checks.map((c) => c(value)).find((p) => p !== undefined);
    if (problem) this.add(path, `${JSON.stringify(value)} ${problem}`);
  }

  int(path: string, value: unknown, min: number): void {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min))
      this.add(path, `must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }

  /** The entries of an object of names to values, or none (with an issue) if it is not one. */
  record(path: string, value: unknown): [string, unknown][] {
    if (value === undefined) return [];
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.add(path, "must be an object of names to values");
      return [];
    }
    return Object.entries(value);
  }

  /** The items of a list, or none (with an issue) if it is not one. */
  list(path: string, value: unknown): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.add(path, `must be a list, got ${JSON.stringify(value)}`);
      return [];
    }
    return value;
  }

  /** Keys of `value` outside `known`, each reported with a suggestion. */
  unknownKeys(path: string, value: object, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const guess = closest(key, known);
      const where = path ? `${path}.${key}` : key;
      this.add(
        where,
        `is not an option${guess ? `; did you mean "${guess}"?` : ""} Known: ${known.join(", ")}`,
      );
    }
  }
}

/**
 * Checks every option and throws one CompileError (code ADAPTER_OPTION) listing all the
 * problems, so a config is fixed in one go. Options usually come from a user's
 * pipewright.config.ts, so types are checked too.
 */
export function validateOptions(options: KubeflowOptions): void {
  if (typeof options !== "object" || options === null)
    throw new CompileError([
      {
        code: ErrorCode.ADAPTER_OPTION,
        message: "kubeflow options must be an object with at least { image }.",
        path: ["kubeflow"],
      },
    ]);
  const o = new OptionIssues();
  o.unknownKeys("", options, OPTION_KEYS);
  if (options.engine !== undefined && !ENGINES.includes(options.engine))
    o.add("engine", `must be one of ${ENGINES.join(", ")}, got ${JSON.stringify(options.engine)}`);
  const vertex = options.engine === "vertex";
  if (options.image === undefined)
    o.add(
      "image",
      'is required: the image that holds your project, e.g. "ghcr.io/acme/spaceflights:1.0"',
    );
  o.str("image", options.image, check.image);
  o.str("pipeline", options.pipeline, check.arg);
  o.str("name", options.name);
  o.str("description", options.description);
  o.str("workingDir", options.workingDir, check.absolutePath, check.arg);
  const command = o.list("command", options.command);
  if (options.command !== undefined && command.length === 0) o.add("command", "must not be empty");
  for (const [i, c] of command.entries()) o.str(`command.${i}`, c, check.arg);
  for (const [i, a] of o.list("extraArgs", options.extraArgs).entries()) {
    if (typeof a !== "string")
      o.add(`extraArgs.${i}`, `must be a string, got ${JSON.stringify(a)}`);
    else if (check.arg(a)) o.add(`extraArgs.${i}`, `${JSON.stringify(a)} ${check.arg(a)}`);
  }
  const storage = options.storage ?? {};
  o.unknownKeys("storage", storage, ["cache", "endpoint", "region", "credentialsSecret"]);
  o.str("storage.cache", storage.cache, check.s3Uri);
  o.str("storage.endpoint", storage.endpoint, check.httpUrl);
  o.str("storage.region", storage.region);
  o.str("storage.credentialsSecret", storage.credentialsSecret, check.dnsSubdomain);
  if (vertex && storage.credentialsSecret !== undefined)
    o.add(
      "storage.credentialsSecret",
      'needs Kubernetes secrets, which Vertex AI does not have: give the pods credentials through their service account, or use engine: "kubeflow"',
    );
  const resources = options.resources ?? {};
  o.unknownKeys("resources", resources, ["cpu", "memory", "gpu"]);
  o.str(
    "resources.cpu",
    typeof resources.cpu === "number" ? String(resources.cpu) : resources.cpu,
    check.quantity,
  );
  o.str("resources.memory", resources.memory, check.quantity);
  o.int("resources.gpu", resources.gpu, 0);
  o.str("accelerator", options.accelerator, check.arg);
  o.int("retries", options.retries, 0);
  o.int("timeoutSeconds", options.timeoutSeconds, 1);
  if (options.kfpCache !== undefined && typeof options.kfpCache !== "boolean")
    o.add("kfpCache", "must be true or false");
  o.str("pipelineRoot", options.pipelineRoot, check.pipelineRoot);
  const group = options.group ?? {};
  o.unknownKeys("group", group, ["by", "tags"]);
  if (group.by !== undefined && !GROUP_BY.includes(group.by))
    o.add("group.by", `must be one of ${GROUP_BY.join(", ")}, got ${JSON.stringify(group.by)}`);
  const fanOut = options.fanOut ?? {};
  o.unknownKeys("fanOut", fanOut, ["maxBatches", "parallelism"]);
  o.int("fanOut.maxBatches", fanOut.maxBatches, 1);
  if ((fanOut.maxBatches ?? 0) > MAX_BATCHES_LIMIT)
    o.add(
      "fanOut.maxBatches",
      `must be at most ${MAX_BATCHES_LIMIT} (see docs/partitions.md: each batch is an iteration of its own pods)`,
    );
  o.int("fanOut.parallelism", fanOut.parallelism, 1);
  validatePod(options.pod, vertex, o);
  CompileError.throwIfAny(o.issues);
}
