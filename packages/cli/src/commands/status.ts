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
import { json, plural } from "../output.ts";
import { compileProject, loadProject } from "../project.ts";
import { cacheLocation, prepareToHash } from "../run-support.ts";

export const status: Command = {
  name: "status",
  summary: "Show which nodes would run and why: every cache miss is explained by its cause.",
  usage: "pipewright status [--pipeline NAME] [filters] [--params KEY=VALUE ...] [--json]",
  options: {
    ...PIPELINE_OPTION,
    ...FILTER_OPTIONS,
    ...PARAMS_OPTION,
    ...ENV_OPTION,
    cache: { type: "boolean", description: "--no-cache: show what `run --no-cache` would do." },
    ...JSON_OPTION,
  },
  examples: [
    "pipewright status",
    "pipewright status --params active.model_options.test_size=0.3 --json",
  ],
  async run({ values }, io) {
    await prepareToHash(io.cwd);
    const project = await loadProject(io.cwd);
    const filter = filterFrom(values);
    const compiled = await compileProject(project, {
      pipeline: str(values.pipeline),
      overrides: strings(values.params),
      env: resolveEnvironment(project.root, str(values.env), io.env),
      ...(filter && { filter }),
    });
    const { explainPlan } = await import("@pipewright/runner");
    const nodes = await explainPlan({
      root: project.root,
      plan: compiled.plan,
      store: compiled.store,
      cache: values.cache !== false,
      ...cacheLocation(project, io.env),
    });
    if (values.json) {
      io.out(json({ pipeline: compiled.name, nodes }));
      return 0;
    }
    const c = io.colours;
    const toRun = nodes.filter((n) => n.state === "run").length;
    io.out(`${c.bold(compiled.name)}: ${toRun} of ${plural(nodes.length, "node")} would run\n`);
    for (const n of nodes) {
      const p = n.partitions;
      // Map nodes: how many of their partitions, and the ones whose outputs go away.
      const gone = p && p.removed.count > 0 ? `, ${p.removed.count} removed (outputs deleted)` : "";
      if (n.state === "cached") {
        const parts = p ? c.dim(` (${p.total} partitions${gone})`) : "";
        io.out(`  ${c.blue("●")} ${n.name} ${c.dim("cached")}${parts}\n`);
        continue;
      }
      const causes = n.causes.map((cause) => `${cause.kind}: ${cause.detail}`).join("; ");
      const what = !p
        ? "would run"
        : p.run === null
          ? "would run its partitions"
          : `would run ${p.run} of ${p.total} partitions${gone}`;
      io.out(`  ${c.yellow("○")} ${n.name} ${c.dim(what)} — ${causes}\n`);
    }
    return 0;
  },
};
