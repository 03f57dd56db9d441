import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CompileError, closest, PipewrightError } from "@pipewright/core";
import { parseCommand, renderHelp } from "./args.ts";
import type { Command } from "./command.ts";
import { compileCommand } from "./commands/compile.ts";
import { diff } from "./commands/diff.ts";
import { init } from "./commands/init.ts";
import { ls } from "./commands/ls.ts";
import { run } from "./commands/run.ts";
import { runNode } from "./commands/run-node.ts";
import { runs } from "./commands/runs.ts";
import { status } from "./commands/status.ts";
import { viz } from "./commands/viz.ts";
import { USAGE_CODES, UsageError } from "./errors.ts";
import { type Io, processIo } from "./output.ts";

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  ls,
  compileCommand,
  run,
  runNode,
  status,
  viz,
  diff,
  runs,
  init,
];

export const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    "pipewright — typed pipelines: compile, run, cache, deploy to Argo or Airflow.",
    "",
    "Usage: pipewright <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Global options: --help, --version, --verbose, --cwd DIR. Colour is off when NO_COLOR is set.",
    "Run `pipewright <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/** Prints an error: one clear line (plus one per extra issue), the stack only with --verbose. */
function report(error: unknown, io: Io, verbose: boolean): number {
  const c = io.colours;
  if (error instanceof PipewrightError) {
    if (error instanceof CompileError && error.issues.length > 1) {
      io.err(`${c.red("error")} ${error.issues.length} problems:\n`);
      for (const i of error.issues) io.err(`  ${c.dim(`[${i.code}]`)} ${i.message}\n`);
    } else io.err(`${c.red("error")} ${c.dim(`[${error.code}]`)} ${error.message}\n`);
    if (error instanceof UsageError && error.command)
      io.err(c.dim(`Run \`pipewright ${error.command} --help\` for usage.\n`));
    if (verbose)
      io.err(
        `${error.stack}\n${error.cause instanceof Error ? `cause: ${error.cause.stack}\n` : ""}`,
      );
    return USAGE_CODES.has(error.code) ? 2 : 1;
  }
  const e = error as Error;
  io.err(`${c.red("error")} ${e?.message ?? String(error)}\n`);
  if (verbose) io.err(`${e?.stack ?? ""}\n`);
  else io.err(c.dim("Run again with --verbose for the stack trace.\n"));
  return 1;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code:
 * 0 success, 1 failure, 2 usage error, 130 interrupted.
 */
export async function main(
  argv: readonly string[],
  io: Io = processIo(process.cwd()),
): Promise<number> {
  const verbose = argv.includes("--verbose");
  // Global options may come before the command (`pipewright --cwd proj status`): move them after it.
  const leading: string[] = [];
  let i = 0;
  while (
    i < argv.length &&
    (argv[i] === "--verbose" || argv[i] === "--cwd" || argv[i]!.startsWith("--cwd="))
  ) {
    leading.push(argv[i]!);
    if (argv[i] === "--cwd" && i + 1 < argv.length) leading.push(argv[++i]!);
    i++;
  }
  const [name, ...afterName] = argv.slice(i);
  const rest = [...afterName, ...leading];
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.out(`pipewright ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) {
      const near = closest(
        name,
        COMMANDS.map((c) => c.name),
      );
      throw new UsageError(
        `unknown command "${name}".${near ? ` Did you mean "${near}"?` : ""} Run \`pipewright --help\` for the list.`,
      );
    }
    const args = parseCommand(command, rest);
    if (args.values.help) {
      io.out(renderHelp(command));
      return 0;
    }
    if (args.values.version) {
      io.out(`pipewright ${VERSION}\n`);
      return 0;
    }
    const cwd = typeof args.values.cwd === "string" ? resolve(io.cwd, args.values.cwd) : io.cwd;
    return await command.run(args, { ...io, cwd });
  } catch (error) {
    return report(error, io, verbose);
  }
}
