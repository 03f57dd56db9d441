import { didYouMean, ErrorCode, PipewrightError } from "@pipewright/core";
import {
  type Command,
  ENV_OPTION,
  JSON_OPTION,
  PARAMS_OPTION,
  PIPELINE_OPTION,
  str,
  strings,
} from "../command.ts";
import { resolveEnvironment } from "../environment.ts";
import { UsageError } from "../errors.ts";
import { json } from "../output.ts";
import { compileProject, loadProject } from "../project.ts";
import { cacheLocation, exitCodeOf, interruptible, prepareToHash } from "../run-support.ts";

/**
 * What each engine task runs. One attempt per node: the engine owns retries (Argo's
 * retryStrategy, Airflow's retries, both with backoff), so a node's `retries` is never
 * applied twice. A node's `timeout` is enforced here, around the node's own code, in a
 * worker thread that is stopped when the time is up; the engine's pod deadline only adds
 * a start-up allowance on top. State goes where the container may write (see the
 * runner's stateDir: $PIPEWRIGHT_STATE_DIR, set by the adapters).
 */
export const runNode: Command = {
  name: "run-node",
  summary: "Run exactly the given node(s) of a pipeline: what each Argo or Airflow task executes.",
  usage:
    "pipewright run-node --node NAME [--node NAME ...] [--pipeline NAME] [--run-id ID] [--plan-hash HASH] [--batch I/N | --fan-out N [--out FILE]]",
  options: {
    node: {
      type: "string",
      short: "n",
      multiple: true,
      value: "NAME",
      description: "The node to run (repeat for a group of nodes, in order).",
    },
    ...PIPELINE_OPTION,
    "run-id": {
      type: "string",
      value: "ID",
      description: "The engine's run id, recorded in the run record.",
    },
    "plan-hash": {
      type: "string",
      value: "HASH",
      description: "Refuse to run unless this project compiles to the plan with this hash.",
    },
    batch: {
      type: "string",
      value: "I/N",
      description: "A map node: run only batch I of N of its partitions (as listed by --fan-out).",
    },
    "fan-out": {
      type: "string",
      value: "N",
      description:
        "A map node: list its partitions in at most N batches (JSON on stdout or --out) and delete outputs of partitions that are gone; runs nothing.",
    },
    out: {
      type: "string",
      value: "FILE",
      description: "With --fan-out: write the batch list to FILE instead of stdout.",
    },
    ...PARAMS_OPTION,
    ...ENV_OPTION,
    ...JSON_OPTION,
  },
  examples: [
    "pipewright run-node --pipeline __default__ --node active.train_model --plan-hash 3f2a... --run-id $WORKFLOW_UID",
  ],
  async run({ values }, io) {
    const nodes = strings(values.node);
    if (nodes.length === 0) throw new UsageError("run-node needs --node NAME.");
    await prepareToHash(io.cwd);
    const project = await loadProject(io.cwd);
    const compiled = await compileProject(project, {
      pipeline: str(values.pipeline),
      overrides: strings(values.params),
      env: resolveEnvironment(project.root, str(values.env), io.env),
    });
    const known = new Set(compiled.plan.order);
    for (const n of nodes) {
      if (!known.has(n)) {
        throw new PipewrightError(
          ErrorCode.UNKNOWN_NODE,
          `no node named "${n}" in pipeline "${compiled.name}".${didYouMean(n, known)}`,
        );
      }
    }
    const { runNodes, fanOut, parseBatch } = await import("@pipewright/runner");
    const fan = str(values["fan-out"]);
    if (fan !== undefined) {
      const result = await fanOut({
        root: project.root,
        plan: compiled.plan,
        pipeline: compiled.pipeline,
        store: compiled.store,
        nodes,
        maxBatches: Number(fan),
        ...(str(values["plan-hash"]) && { planHash: str(values["plan-hash"])! }),
      });
      io.err(
        `${nodes[0]}: ${result.partitions} partitions in ${result.batches.length} batches${result.removed.length > 0 ? `; removed outputs of ${result.removed.length} gone partitions` : ""}\n`,
      );
      const text = JSON.stringify(result.batches);
      const out = str(values.out);
      if (out) {
        const { writeFileSync } = await import("node:fs");
        const { resolve } = await import("node:path");
        writeFileSync(resolve(io.cwd, out), text);
      } else io.out(`${text}\n`);
      return 0;
    }
    const batchText = str(values.batch);
    const batch = batchText === undefined ? undefined : parseBatch(batchText);
    const planHash = str(values["plan-hash"]);
    const runId = str(values["run-id"]);
    const record = await interruptible(io, (signal) =>
      runNodes({
        root: project.root,
        plan: compiled.plan,
        pipeline: compiled.pipeline,
        store: compiled.store,
        nodes,
        signal,
        pipelineName: compiled.name,
        params: compiled.params,
        ...(planHash && { planHash }),
        ...(batch && { batch }),
        ...(runId && { runId }),
        // Used only for nodes with a timeout: a worker thread can be stopped mid-node.
        worker: { module: project.loadedFrom, pipeline: compiled.name },
        ...cacheLocation(project, io.env),
      }),
    );
    for (const n of record.nodes)
      io.err(
        `${n.name}: ${n.status}${n.error ? ` — ${typeof n.error === "string" ? n.error : `[${n.error.code}] ${n.error.message}`}` : ""}\n`,
      );
    if (values.json) io.out(json(record));
    return exitCodeOf(record);
  },
};
