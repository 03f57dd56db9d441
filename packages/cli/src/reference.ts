import { GLOBAL_OPTIONS } from "./args.ts";
import type { Command } from "./command.ts";

/** docs/cli.md, generated from the commands' own definitions (scripts/gen-cli-docs.ts). */
export function cliReference(commands: readonly Command[]): string {
  const out = [
    "# CLI reference",
    "",
    "Generated from the command definitions by `pnpm tsx scripts/gen-cli-docs.ts`; a test fails when it is out of date.",
    "",
    "Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted (Ctrl-C). Data goes to stdout, logs and",
    "progress to stderr; colour is off when `NO_COLOR` is set to anything non-empty or stderr is not a terminal.",
    "",
    "Every command also takes:",
    "",
    ...Object.entries(GLOBAL_OPTIONS).map(
      ([name, o]) =>
        `- \`--${name}${o.type === "string" ? ` <${o.value}>` : ""}\`${o.short ? ` (\`-${o.short}\`)` : ""}: ${o.description}`,
    ),
    "",
  ];
  for (const c of commands) {
    out.push(`## pipewright ${c.name}`, "", c.summary, "", "```", c.usage, "```", "");
    const rows = Object.entries(c.options);
    if (rows.length > 0) {
      out.push("| option | description |", "| --- | --- |");
      for (const [name, o] of rows) {
        const flag = `\`--${name}${o.type === "string" ? ` <${o.value}>` : ""}\`${o.short ? ` (\`-${o.short}\`)` : ""}`;
        out.push(
          `| ${flag} | ${o.description.replace(/\|/g, "\\|")}${o.multiple ? " Repeatable." : ""} |`,
        );
      }
      out.push("");
    }
    if (c.examples?.length) out.push("Examples:", "", "```sh", ...c.examples, "```", "");
  }
  return out.join("\n");
}
