import type { Pipeline } from "@pipewright/core";
import { type Command, JSON_OPTION, PIPELINE_OPTION, str } from "../command.ts";
import { json, plural } from "../output.ts";
import { loadPipeline, loadProject, pipelineName } from "../project.ts";

function describe(name: string, p: Pipeline) {
  return {
    name,
    nodes: p.nodes.map((n) => ({
      name: n.id,
      namespace: n.namespace,
      tags: [...n.tags],
      inputs: Object.values(n.inputs).map((h) =>
        h.type === "param" ? `params:${h.name}` : h.name,
      ),
      outputs: Object.values(n.outputs).map((h) => h.name),
    })),
    datasets: p.datasets().map((d) => d.name),
  };
}

export const ls: Command = {
  name: "ls",
  summary: "List the project's pipelines, their nodes and datasets.",
  usage: "pipewright ls [--pipeline NAME] [--json]",
  options: { ...PIPELINE_OPTION, ...JSON_OPTION },
  examples: ["pipewright ls", "pipewright ls --pipeline data_science --json"],
  async run({ values }, io) {
    const project = await loadProject(io.cwd);
    const names = values.pipeline
      ? [pipelineName(project, str(values.pipeline))]
      : project.pipelineNames;
    const pipelines = [];
    for (const name of names) pipelines.push(describe(name, await loadPipeline(project, name)));
    if (values.json) {
      io.out(json({ project: project.name, pipelines }));
      return 0;
    }
    const c = io.colours;
    for (const p of pipelines) {
      io.out(
        `${c.bold(p.name)}  ${c.dim(`${plural(p.nodes.length, "node")}, ${plural(p.datasets.length, "dataset")}`)}\n`,
      );
      const width = Math.max(...p.nodes.map((n) => n.name.length));
      for (const n of p.nodes) {
        const tags = n.tags.length ? c.dim(`  [${n.tags.join(", ")}]`) : "";
        io.out(
          `  ${c.cyan(n.name.padEnd(width))}  ${c.dim(n.inputs.join(", ") || "-")} → ${n.outputs.join(", ")}${tags}\n`,
        );
      }
    }
    return 0;
  },
};
