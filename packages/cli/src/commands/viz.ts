import { resolve } from "node:path";
import {
  type Command,
  ENV_OPTION,
  PARAMS_OPTION,
  PIPELINE_OPTION,
  str,
  strings,
} from "../command.ts";
import { resolveEnvironment } from "../environment.ts";
import { UsageError } from "../errors.ts";
import { writeFileAtomic } from "../output.ts";
import { compileProject, loadProject } from "../project.ts";

export const viz: Command = {
  name: "viz",
  summary: "Draw a pipeline: a self-contained HTML page, Mermaid or DOT.",
  usage:
    "pipewright viz [--format html|mermaid|dot] [--out FILE] [--run latest|ID] [--pipeline NAME]",
  options: {
    format: {
      type: "string",
      short: "f",
      value: "html|mermaid|dot",
      choices: ["html", "mermaid", "dot"],
      description: "Output format (default html).",
    },
    out: {
      type: "string",
      short: "o",
      value: "FILE",
      description: "Write to FILE instead of stdout (html defaults to pipeline.html).",
    },
    run: {
      type: "string",
      value: "latest|ID",
      description: "html: colour nodes by the status of this recorded run.",
    },
    serve: {
      type: "boolean",
      description: "html: serve the page on 127.0.0.1 and reload it when the project changes.",
    },
    port: {
      type: "string",
      value: "N",
      description: "With --serve: the port (default 4141; 0 picks a free one).",
    },
    ...PIPELINE_OPTION,
    ...PARAMS_OPTION,
    ...ENV_OPTION,
  },
  examples: [
    "pipewright viz --out pipeline.html",
    "pipewright viz --run latest --out pipeline.html",
    "pipewright viz --format mermaid > pipeline.mmd",
  ],
  async run({ values }, io) {
    const format = str(values.format) ?? "html";
    const project = await loadProject(io.cwd);
    const compiled = await compileProject(project, {
      pipeline: str(values.pipeline),
      overrides: strings(values.params),
      env: resolveEnvironment(project.root, str(values.env), io.env),
    });
    const vizLib = await import("@pipewright/viz");
    let text: string;
    if (format === "html") {
      const runId = str(values.run);
      let run: Parameters<typeof vizLib.renderHtml>[1] extends infer O
        ? O extends { run?: infer R }
          ? R
          : never
        : never;
      if (runId) {
        const { RunStore } = await import("@pipewright/runner");
        run = (await new RunStore(project.root).get(runId)) as typeof run;
      }
      text = vizLib.renderHtml(compiled.plan, {
        title: `${project.name} · ${compiled.name}`,
        ...(run! && { run }),
      });
    } else {
      if (values.run) throw new UsageError("--run only applies to --format html.");
      text =
        format === "mermaid"
          ? vizLib.renderMermaid(compiled.plan)
          : vizLib.renderDot(compiled.plan);
    }
    if (values.serve) {
      if (format !== "html") throw new UsageError("--serve only applies to --format html.");
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
        throw new UsageError(`--port must be 0–65535, got "${values.port}".`);
      const again = [
        ...(values.run ? ["--run", str(values.run)!] : []),
        ...(values.pipeline ? ["--pipeline", str(values.pipeline)!] : []),
        ...strings(values.params).flatMap((p) => ["--params", p]),
        ...(values.env ? ["--env", str(values.env)!] : []),
      ];
      const { serveAndWatch } = await import("../serve.ts");
      return serveAndWatch(io, project.root, text, again, port);
    }
    const out = str(values.out) ?? (format === "html" ? "pipeline.html" : undefined);
    if (!out) {
      io.out(text);
      return 0;
    }
    writeFileAtomic(resolve(io.cwd, out), text);
    io.err(`${io.colours.green("✓")} ${format}: ${compiled.name} → ${out}\n`);
    return 0;
  },
};
