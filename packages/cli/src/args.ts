import { parseArgs } from "node:util";
import { closest } from "@pipewright/core";
import { UsageError } from "./errors.ts";

/** One option of a command; the same definitions drive parsing, --help and docs/cli.md. */
export interface OptionDef {
  type: "string" | "boolean";
  description: string;
  multiple?: boolean;
  /** With multiple: also split each value on commas (default true; off for values that may hold commas). */
  commas?: boolean;
  short?: string;
  /** Shown in help, e.g. "N" or "local|argo|airflow". */
  value?: string;
  choices?: readonly string[];
}

export interface CommandDef {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionDef>;
  /** Names of positional arguments, for help and arity checks. */
  positionals?: { min: number; max: number };
  examples?: string[];
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionDef> = {
  help: { type: "boolean", short: "h", description: "Show help for the command." },
  version: { type: "boolean", short: "v", description: "Print the version." },
  verbose: { type: "boolean", description: "Print stack traces and debug detail on errors." },
  cwd: {
    type: "string",
    value: "DIR",
    description: "Run as if started in DIR (where pipewright.config.ts is looked up).",
  },
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses argv strictly with node:util parseArgs. An unknown or mistyped option is a
 * UsageError suggesting the nearest valid one; `--name=value` and repeated flags work;
 * comma-separated values of `multiple` options are split.
 */
export function parseCommand(def: CommandDef, argv: readonly string[]): Parsed {
  const options = { ...def.options, ...GLOBAL_OPTIONS };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          { type: o.type, multiple: o.multiple ?? false, ...(o.short && { short: o.short }) },
        ]),
      ),
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(explainParseError(error as Error & { code?: string }, options), def.name);
  }
  const values = parsed.values as Parsed["values"];
  for (const [name, o] of Object.entries(options)) {
    const v = values[name];
    if (o.multiple && o.commas !== false && Array.isArray(v))
      values[name] = v.flatMap((s) => s.split(",")).filter((s) => s !== "");
    if (o.choices && typeof v === "string" && !o.choices.includes(v)) {
      throw new UsageError(
        `--${name} must be one of ${o.choices.join(", ")}, got "${v}".${hint(v, o.choices)}`,
        def.name,
      );
    }
  }
  const { min, max } = def.positionals ?? { min: 0, max: 0 };
  if (!values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    const got = parsed.positionals.length;
    throw new UsageError(
      got > max
        ? `unexpected argument "${parsed.positionals[max]}". Usage: ${def.usage}`
        : `missing argument. Usage: ${def.usage}`,
      def.name,
    );
  }
  return { values, positionals: parsed.positionals };
}

function hint(value: string, candidates: Iterable<string>): string {
  const c = closest(value, candidates);
  return c === undefined ? "" : ` Did you mean "${c}"?`;
}

function explainParseError(
  error: Error & { code?: string },
  options: Record<string, OptionDef>,
): string {
  const m = /'(-{1,2}[^' ]+)/.exec(error.message);
  const flag = m?.[1] ?? "";
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const name = flag.replace(/^-+/, "").replace(/^no-/, "");
    const c = closest(name, Object.keys(options));
    return `unknown option ${flag}.${c ? ` Did you mean --${c}?` : ""} See --help.`;
  }
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return `${error.message.replace(/\.$/, "")}. See --help.`;
  }
  return error.message;
}

/** The --help text of a command. */
export function renderHelp(def: CommandDef): string {
  const lines = [def.summary, "", `Usage: ${def.usage}`, "", "Options:"];
  const all = { ...def.options, ...GLOBAL_OPTIONS };
  const labels = Object.entries(all).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` <${o.value ?? "value"}>` : ""}`;
    return [
      flag,
      `${o.description}${o.multiple ? (o.commas === false ? " Repeatable." : " Repeatable; comma-separated values allowed.") : ""}`,
    ] as const;
  });
  const width = Math.max(...labels.map(([f]) => f.length)) + 2;
  for (const [flag, text] of labels) lines.push(`  ${flag.padEnd(width)}${text}`);
  if (def.examples?.length) lines.push("", "Examples:", ...def.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}
