import { preview } from "./data-path.ts";
import { ErrorCode, type Format, formatError, NO_ARGS } from "./format.ts";
import { utf8 } from "./json.ts";

/** A string, stored as UTF-8. */
export const textFormat: Format = {
  type: "text",
  description: "a string, stored as UTF-8",
  loadArgs: NO_ARGS,
  saveArgs: NO_ARGS,
  encode(value, ctx) {
    if (typeof value !== "string") {
      throw formatError(
        ctx,
        ErrorCode.NOT_SERIALISABLE,
        `text holds a string, got ${preview(value)}; use json for structured data.`,
      );
    }
    return new TextEncoder().encode(value);
  },
  decode: (bytes, ctx) => utf8(bytes, ctx),
};

/** A Uint8Array (or Buffer), stored as is. */
export const bytesFormat: Format = {
  type: "bytes",
  description: "a Uint8Array, stored as is (models, images, archives)",
  loadArgs: NO_ARGS,
  saveArgs: NO_ARGS,
  encode(value, ctx) {
    if (!(value instanceof Uint8Array)) {
      throw formatError(
        ctx,
        ErrorCode.NOT_SERIALISABLE,
        `bytes holds a Uint8Array, got ${preview(value)}.`,
      );
    }
    return value;
  },
  decode: (bytes) => bytes,
};
