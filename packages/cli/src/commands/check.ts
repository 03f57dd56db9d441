import { compile, ErrorCode, type Pipeline, PipewrightError } from "@pipewright/core";
import type { Catalog } from "@pipewright/io";
import { unknownEntryIssues, unmatchedEntries } from "../catalog-check.ts";
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
import { duration, json, plural } from "../output.ts";
import {
  loadCatalog,
  loadParams,
  loadPipeline,
  loadProject,
  loadProjectCredentials,
  pipelineName,
} from "../project.ts";

/** One problem `check` found; `pipeline` when it belongs to one. */
interface Problem {
  code: string;
  message: string;
  pipeline?: string;
  path?: readonly string[];
}

/** Every problem an error holds: the issues of a CompileError or CatalogError, else itself. */
function problemsOf(error: unknown, pipeline?: string): Problem[] {
  const at = pipeline === undefined ? {} : { pipeline };
  if (!(error instanceof PipewrightError))
    return [
      { code: ErrorCode.INTERNAL, message: (error as Error)?.message ?? String(error), ...at },
    ];
  const issues = (error as { issues?: { code: string; message: string; path: string[] }[] }).issues;
  if (!Array.isArray(issues) || issues.length === 0)
    return [{ code: error.code, message: error.message, ...at }];
  return issues.map((i) => ({ code: i.code, message: i.message, path: i.path, ...at }));
}

/** Runs `step`, turning what it throws into problems; undefined when it failed. */
async function attempt<T>(
  problems: Problem[],
  step: () => Promise<T>,
  pipeline?: string,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    for (const p of problemsOf(error, pipeline))
      if (!problems.some((q) => q.code === p.code && q.message === p.message)) problems.push(p);
    return undefined;
  }
}

export const check: Command = {
  name: "check",
  summary:
    "Check the project without running it: type-check, compile every pipeline, validate the catalog and params. Exit 1 on any problem.",
  usage: "pipewright check [--pipeline NAME] [--env NAME] [--no-typecheck] [--json]",
  options: {
    ...PIPELINE_OPTION,
    pipeline: {
      ...PIPELINE_OPTION.pipeline,
      description: "Check only this pipeline (default: all).",
    },
    ...ENV_OPTION,
    ...PARAMS_OPTION,
    typecheck: {
      type: "boolean",
      description:
        "Run `tsc --noEmit` when the project has TypeScript and a tsconfig.json (default). --no-typecheck skips it.",
    },
    ...JSON_OPTION,
  },
  examples: ["pipewright check", "pipewright check --env prod --json"],
  async run({ values }, io) {
    const project = await loadProject(io.cwd);
    const env = resolveEnvironment(project.root, str(values.env), io.env);
    const names = values.pipeline
      ? [pipelineName(project, str(values.pipeline))]
      : project.pipelineNames;
    const problems: Problem[] = [];
    const c = io.colours;
    const say = (ok: boolean, text: string) =>
      values.json || io.err(`${ok ? c.green("✓") : c.red("✗")} ${text}\n`);

    // Type-checking runs alongside loading and compiling: it is the slow part.
    // tsc is run in a child process: node:child_process is loaded only by the commands that spawn.
    const types =
      values.typecheck === false
        ? undefined
        : import("../typecheck.ts").then((t) => t.typecheck(project.root));

    const credentials = await attempt(problems, () => loadProjectCredentials(project, env));
    const catalog: Catalog | undefined = credentials
      ? await attempt(problems, () => loadCatalog(project, credentials, env))
      : undefined;
    say(problems.length === 0, `catalog and credentials (env ${env.name})`);

    const datasets = new Set<string>();
    const pipelines: { name: string; nodes: number | null }[] = [];
    let everyPipelineLoaded = true;
    for (const name of names) {
      const before = problems.length;
      const p: Pipeline | undefined = await attempt(
        problems,
        () => loadPipeline(project, name),
        name,
      );
      if (!p) everyPipelineLoaded = false;
      for (const d of p?.datasets() ?? []) datasets.add(d.name);
      const params =
        p &&
        (await attempt(problems, () => loadParams(project, strings(values.params), p, env), name));
      const plan =
        p &&
        params &&
        (await attempt(
          problems,
          async () => compile(p, { name, params, root: project.root, ...(catalog && { catalog }) }),
          name,
        ));
      pipelines.push({ name, nodes: plan ? plan.nodes.length : null });
      say(
        problems.length === before,
        `pipeline ${name}${plan ? `: ${plural(plan.nodes.length, "node")}` : ""}`,
      );
    }

    // Entries for no dataset are judged against every pipeline, so only when all loaded
    // (checking one pipeline alone still loads the others for this).
    if (catalog && everyPipelineLoaded) {
      for (const other of project.pipelineNames.filter((n) => !names.includes(n))) {
        const q = await attempt(problems, () => loadPipeline(project, other), other);
        for (const d of q?.datasets() ?? []) datasets.add(d.name);
      }
      const unmatched = unmatchedEntries(catalog, datasets);
      for (const issue of unknownEntryIssues(catalog, unmatched, datasets))
        problems.push({ code: issue.code, message: issue.message, path: issue.path });
      say(
        unmatched.length === 0,
        `catalog entries: ${plural(catalog.entries().length, "entry", "entries")}`,
      );
    }

    const typed = types && (await types);
    if (typed?.ran) {
      for (const e of typed.errors) problems.push({ code: ErrorCode.TYPECHECK_FAILED, message: e });
      say(typed.errors.length === 0, `types: tsc --noEmit (${duration(typed.durationMs)})`);
    } else if (!values.json)
      io.err(
        `${c.dim("-")} types: ${typed ? `skipped, ${typed.reason}` : "skipped (--no-typecheck)"}\n`,
      );

    if (values.json) {
      io.out(
        json({
          ok: problems.length === 0,
          env: env.name,
          typecheck: typed ?? { ran: false, reason: "--no-typecheck" },
          pipelines,
          problems,
        }),
      );
    } else {
      for (const p of problems)
        io.err(
          `${c.red("error")} ${c.dim(`[${p.code}]`)} ${p.pipeline ? `pipeline "${p.pipeline}": ` : ""}${p.message}\n`,
        );
      io.err(
        problems.length === 0
          ? `${c.green("✓")} no problems found\n`
          : `${c.red("✗")} ${plural(problems.length, "problem")} found\n`,
      );
    }
    return problems.length === 0 ? 0 : 1;
  },
};
