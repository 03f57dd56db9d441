// Writes catalog.schema.json, the JSON Schema of conf/catalog.yaml for editors, from the
// zod schema. Run after changing CatalogEntrySchema: `pnpm --filter @pipewright/io schema`.
// A test fails while the checked-in file is out of date.
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { catalogJsonSchema } from "../src/index.ts";

export const SCHEMA_FILE = fileURLToPath(new URL("../catalog.schema.json", import.meta.url));

/** The file's exact text: stable formatting so the up-to-date check is a string compare. */
export function catalogSchemaText(): string {
  return `${JSON.stringify(catalogJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SCHEMA_FILE, catalogSchemaText());
  console.error(`wrote ${SCHEMA_FILE}`);
}
