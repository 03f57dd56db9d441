import { statSync } from "node:fs";
import { resolve } from "node:path";
import { closest, ErrorCode, type Issue, PipewrightError } from "@pipewright/core";
import { parseCommand, renderHelp } from "./args.ts";
import type { Command } from "./command.ts";
import { check } from "./commands/check.ts";
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
import { ownManifest } from "./manifest.ts";
import { type Io, json, processIo } from "./output.ts";

const isDirectory = (path: string) =>
  statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  ls,
  compileCommand,
  check,
  run,
  runNode,
  status,
  viz,
  diff,
  runs,
  init,
];

export const VERSION = ownManifest().version;

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

/** The issues of an error that gathers several (CompileError, CatalogError), else none. */
function issuesOf(error: PipewrightError): readonly Issue[] {
  const issues = (error as { issues?: unknown }).issues;
  return Array.isArray(issues) ? (issues as Issue[]) : [];
}

/**
 * Prints an error: one clear line with its [CODE] (plus one per extra issue), the stack
 * only with --verbose; with --json, also as `{ "error": { code, message, issues, exitCode } }`
 * on stdout, so a script reading stdout gets JSON whatever happened. Returns the exit
 * code: 2 for usage errors (the command line is wrong), 1 for everything else.
 */
function report(error: unknown, io: Io, flags: { verbose: boolean; json: boolean }): number {
  const c = io.colours;
  const known = error instanceof PipewrightError;
  const code = known ? error.code : ErrorCode.INTERNAL;
  const message = known ? error.message : ((error as Error)?.message ?? String(error));
  const issues = known ? issuesOf(error) : [];
  const exitCode = known && USAGE_CODES.has(code) ? 2 : 1;
  if (issues.length > 1) {
    io.err(`${c.red("error")} ${issues.length} problems:\n`);
    for (const i of issues) io.err(`  ${c.dim(`[${i.code}]`)} ${i.message}\n`);
  } else io.err(`${c.red("error")} ${c.dim(`[${code}]`)} ${message}\n`);
  if (error instanceof UsageError && error.command)
    io.err(c.dim(`Run \`pipewright ${error.command} --help\` for usage.\n`));
  const e = error as Error;
  if (flags.verbose)
    io.err(`${e?.stack ?? ""}\n${e?.cause instanceof Error ? `cause: ${e.cause.stack}\n` : ""}`);
  else if (!known) io.err(c.dim("Run again with --verbose for the stack trace.\n"));
  if (flags.json) {
    const body = issues.map(({ code, message, path }) => ({ code, message, path }));
    io.out(json({ error: { code, message, ...(body.length > 0 && { issues: body }), exitCode } }));
  }
  return exitCode;
}

/** Options that may come before the command, for "did you mean" on a mistyped one. */
const LEADING = ["--help", "--version", "--verbose", "--cwd"];

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
  const flags = { verbose, json: argv.includes("--json") };
  if (name.startsWith("-")) {
    const flag = name.split("=")[0]!;
    const near = closest(flag, LEADING);
    return report(
      new UsageError(
        `unknown option ${flag} before the command.${near ? ` Did you mean ${near}?` : ""} Usage: pipewright [--cwd DIR] [--verbose] <command> [options]; see --help.`,
      ),
      io,
      flags,
    );
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
    if (!isDirectory(cwd)) throw new UsageError(`--cwd ${args.values.cwd}: no such folder.`, name);
    return await command.run(args, { ...io, cwd });
  } catch (error) {
    return report(error, io, flags);
  }
}
