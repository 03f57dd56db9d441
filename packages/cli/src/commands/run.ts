import {
  type Command,
  ENV_OPTION,
  FILTER_OPTIONS,
  filterFrom,
  JSON_OPTION,
  PARAMS_OPTION,
  PIPELINE_OPTION,
  str,
  strings,
} from "../command.ts";
import { resolveEnvironment } from "../environment.ts";
import { UsageError } from "../errors.ts";
import { duration, json, plural } from "../output.ts";
import { Progress } from "../progress.ts";
import { compileProject, loadProject, pipelineName } from "../project.ts";
import {
  cacheLocation,
  countStatuses,
  exitCodeOf,
  interruptible,
  prepareToHash,
} from "../run-support.ts";

export const run: Command = {
  name: "run",
  summary:
    "Run a pipeline locally, reusing cached results of nodes whose code, params and inputs are unchanged.",
  usage:
    "pipewright run [--pipeline NAME] [filters] [--params KEY=VALUE ...] [--parallel N] [--no-cache]",
  options: {
    ...PIPELINE_OPTION,
    ...FILTER_OPTIONS,
    ...PARAMS_OPTION,
    ...ENV_OPTION,
    parallel: {
      type: "string",
      short: "j",
      value: "N",
      description: "Run up to N nodes at once, in worker threads (default 1).",
    },
    cache: {
      type: "boolean",
      description: "Reuse cached results (default). --no-cache runs every node.",
    },
    "keep-going": {
      type: "boolean",
      description: "After a failure, still run the nodes that do not depend on it.",
    },
    ...JSON_OPTION,
  },
  examples: [
    "pipewright run",
    "pipewright run --pipeline data_science --params active.model_options.test_size=0.3",
    "pipewright run --from-nodes preprocess_companies --to-nodes active.train_model --parallel 2",
  ],
  async run({ values }, io) {
    const parallel = values.parallel === undefined ? 1 : Number(values.parallel);
    if (!Number.isInteger(parallel) || parallel < 1)
      throw new UsageError(`--parallel must be a whole number ≥ 1, got "${values.parallel}".`);
    await prepareToHash(io.cwd);
    const project = await loadProject(io.cwd);
    const env = resolveEnvironment(project.root, str(values.env), io.env);
    const runner = await import("@pipewright/runner");
    // Worker threads take a while to start (zod, the project's code): start them now, so
    // they warm up while the main thread compiles. They load what this process loaded: the
    // project's bundle when there is one, so they need no TypeScript loader.
    const worker = {
      module: project.loadedFrom,
      pipeline: pipelineName(project, str(values.pipeline)),
      keep: true,
    };
    if (parallel > 1) runner.startWorkers({ ...worker, parallel });
    const filter = filterFrom(values);
    const compiled = await compileProject(project, {
      pipeline: str(values.pipeline),
      overrides: strings(values.params),
      env,
      ...(filter && { filter }),
    });
    const progress = new Progress(io, compiled.plan.nodes.length);
    const c = io.colours;
    io.err(
      `${c.bold("pipewright run")} ${compiled.name}: ${plural(compiled.plan.nodes.length, "node")}${parallel > 1 ? `, ${parallel} at once` : ""}\n`,
    );
    const record = await interruptible(io, (signal) =>
      runner.runPipeline({
        root: project.root,
        plan: compiled.plan,
        pipeline: compiled.pipeline,
        store: compiled.store,
        cache: values.cache !== false,
        parallel,
        keepGoing: values["keep-going"] === true,
        signal,
        onEvent: (e) => progress.event(e as never),
        worker,
        pipelineName: compiled.name,
        params: compiled.params,
        ...cacheLocation(project, io.env),
      }),
    ).finally(async () => {
      progress.stop();
      await runner.closeWorkers();
    });
    const counts = countStatuses(record);
    const elapsed = Date.parse(record.finishedAt) - Date.parse(record.startedAt);
    io.err(
      `${record.status === "succeeded" ? c.green("✓") : c.red("✗")} ${record.status}: ${counts.ran} ran, ${counts.cached} cached, ${counts.failed} failed, ${counts.skipped} skipped in ${duration(elapsed)} · run ${record.id}\n`,
    );
    for (const n of record.nodes) {
      for (const w of n.warnings ?? []) io.err(`${c.yellow("warning")} ${w}\n`);
      if (n.status !== "failed" || !n.error) continue;
      io.err(`${c.red("error")} ${c.dim(`[${n.error.code}]`)} ${n.error.message}\n`);
      // A map node: each failed partition by name (the first ten).
      const failed = (n.partitions ?? []).filter((p) => p.status === "failed");
      for (const p of failed.slice(0, 10))
        io.err(`  ${c.red("✗")} ${p.name}: ${p.error?.message}\n`);
      if (failed.length > 10) io.err(`  ... and ${failed.length - 10} more partitions\n`);
      // --verbose: where the node itself threw (the cause), not just our wrapper.
      const stack = n.error.cause?.stack ?? n.error.stack;
      if (values.verbose && stack) io.err(`${stack}\n`);
    }
    if (values.json) io.out(json(record));
    return exitCodeOf(record);
  },
};
