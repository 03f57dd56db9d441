// Writes docs/cli.md from the CLI's command definitions.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../packages/cli/src/main.ts";
import { cliReference } from "../packages/cli/src/reference.ts";

writeFileSync(join(import.meta.dirname, "..", "docs", "cli.md"), cliReference(COMMANDS));
