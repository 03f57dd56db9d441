import { createRequire } from "node:module";
import { memoHash } from "../util/hash-memo.ts";

/**
 * The hash of a param's validated value, as in plans and cache keys: object-hash 3's
 * (`objectHash(value, { unorderedObjects: true })`, sha1 of its text), so that keys stay
 * those of earlier plans.
 *
 * Most values (YAML's: objects, arrays, strings, numbers, booleans, null) are written here
 * in object-hash's text, which costs a command that compiles ~1 ms less than object-hash's
 * first calls (its option checks and per-piece hash updates, cold). Any other value (a Date,
 * a Map, a class instance, a function of the project's) goes to object-hash itself.
 */
export function valueHash(value: unknown): string {
  const pieces: string[] = [];
  try {
    write(value ?? null, pieces, []);
  } catch (error) {
    if (error !== UNSUPPORTED) throw error;
    return objectHash()(value ?? null, { unorderedObjects: true });
  }
  return memoHash("sha1", pieces.join(""));
}

// object-hash is CommonJS: loading it costs a command several milliseconds, and only a
// param value of another kind needs it, so it is required on first use.
let hashValue: typeof import("object-hash") | undefined;
function objectHash(): typeof import("object-hash") {
  hashValue ??= createRequire(import.meta.url)("object-hash") as typeof import("object-hash");
  return hashValue;
}

/** Thrown (and caught by valueHash) for a value object-hash writes in a way not copied here. */
const UNSUPPORTED = Symbol("unsupported");

// object-hash's test for a built-in function, whose text it does not hash.
const NATIVE = /^function\s+\w*\s*\(\s*\)\s*{\s+\[native code\]\s+}$/i;
const isNative = (value: unknown): boolean =>
  typeof value === "function" && NATIVE.test(Function.prototype.toString.call(value));

/**
 * Appends object-hash's text of `value` to `pieces`. `seen` is its list of every object
 * and function met so far, in order (not only the ones on the path): a second meeting is
 * written as the string "[CIRCULAR:<index>]", which is how object-hash writes
 * Object.prototype and Object from the second plain object on.
 */
function write(value: unknown, pieces: string[], seen: unknown[]): void {
  if (value === null) {
    pieces.push("Null");
    return;
  }
  switch (typeof value) {
    case "undefined":
      pieces.push("Undefined");
      return;
    case "boolean":
      pieces.push(`bool:${value}`);
      return;
    case "number":
    case "bigint":
      pieces.push(`${typeof value}:${value.toString()}`);
      return;
    case "string":
      pieces.push(`string:${value.length}:`, value);
      return;
    case "function":
      // A project's function: object-hash hashes its text and its prototype object.
      if (!isNative(value)) throw UNSUPPORTED;
      pieces.push("fn:");
      write("[native]", pieces, seen);
      write(`function-name:${String(value.name)}`, pieces, seen);
      writeObject(value, "function", pieces, seen);
      return;
    case "object":
      writeObject(value, tagOf(value), pieces, seen);
      return;
    default:
      throw UNSUPPORTED;
  }
}

/** Object.prototype.toString's class name, lowercased: "object", "array", "date", ... */
function tagOf(value: object): string {
  const tag = Object.prototype.toString.call(value);
  return tag.slice(8, -1).toLowerCase();
}

function writeObject(value: object, tag: string, pieces: string[], seen: unknown[]): void {
  const index = seen.indexOf(value);
  if (index >= 0) {
    write(`[CIRCULAR:${index}]`, pieces, seen);
    return;
  }
  seen.push(value);
  if (Buffer.isBuffer(value)) throw UNSUPPORTED;
  if (tag === "array") {
    const array = value as unknown[];
    pieces.push(`array:${array.length}:`);
    // forEach, as object-hash: holes are left out.
    array.forEach((item) => {
      write(item, pieces, seen);
    });
    return;
  }
  if (tag !== "object" && tag !== "function") throw UNSUPPORTED;
  const keys = Object.keys(value).sort();
  // The prototype and constructor too, so that instances of different classes differ.
  if (!isNative(value)) keys.unshift("prototype", "__proto__", "constructor");
  pieces.push(`object:${keys.length}:`);
  for (const key of keys) {
    write(key, pieces, seen);
    pieces.push(":");
    write((value as Record<string, unknown>)[key], pieces, seen);
    pieces.push(",");
  }
}
