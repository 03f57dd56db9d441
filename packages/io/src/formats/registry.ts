import { csvFormat } from "./csv.ts";
import { registerFormat } from "./format.ts";
import { jsonFormat, jsonlFormat } from "./json.ts";
import { memoryFormat } from "./memory.ts";
import { parquetFormat } from "./parquet.ts";
import { bytesFormat, textFormat } from "./raw.ts";

/** The dataset types every catalog knows. Import formats from here so they are registered. */
export const BUILTIN_TYPES = [
  "json",
  "jsonl",
  "csv",
  "parquet",
  "text",
  "bytes",
  "memory",
] as const;

for (const f of [
  jsonFormat,
  jsonlFormat,
  csvFormat,
  parquetFormat,
  textFormat,
  bytesFormat,
  memoryFormat,
])
  registerFormat(f);

export {
  type Format,
  type FormatContext,
  findFormat,
  formatTypes,
  registerFormat,
  unknownTypeMessage,
} from "./format.ts";
