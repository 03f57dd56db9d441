import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode } from "@pipewright/core";

/** A parsed dataset location. */
export type Location =
  | { scheme: "path" /** as written: project-relative, or absolute */; path: string }
  | { scheme: "file" /** absolute local path */; path: string }
  | { scheme: "s3"; bucket: string; key: string };

/** A location problem, reported by the caller with its own context (entry, dataset). */
export class LocationProblem extends Error {
  constructor(
    readonly code: typeof ErrorCode.BAD_URI | typeof ErrorCode.PATH_TRAVERSAL,
    message: string,
  ) {
    super(message);
  }
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// S3's bucket naming rules: 3-63 characters, lowercase letters, digits, dots and hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses a path or URI. Never echoes a URI that carries credentials (`s3://key:secret@b`),
 * since error messages end up in logs.
 */
export function parseLocation(text: string): Location {
  if (text.trim() === "") throw new LocationProblem(ErrorCode.BAD_URI, "the location is empty");
  const m = SCHEME.exec(text);
  // "C:\data" is a Windows drive, not a scheme.
  if (!m || /^[A-Za-z]:[\\/]/.test(text)) return { scheme: "path", path: text };
  const scheme = m[1]!.toLowerCase();
  if (scheme === "file") {
    if (!text.startsWith("file:///") && !/^file:\/\/localhost\//.test(text)) {
      throw new LocationProblem(
        ErrorCode.BAD_URI,
        `"${text}" is not an absolute file URI; write file:///absolute/path, or use "path:" for a project-relative path`,
      );
    }
    try {
      return { scheme: "file", path: fileURLToPath(text) };
    } catch (e) {
      throw new LocationProblem(
        ErrorCode.BAD_URI,
        `"${text}" is not a valid file URI (${(e as Error).message})`,
      );
    }
  }
  if (scheme === "s3" || scheme === "s3a") {
    const rest = text.slice(m[0].length);
    if (!rest.startsWith("//"))
      throw new LocationProblem(
        ErrorCode.BAD_URI,
        `"${text}" is not an S3 URI; write s3://bucket/key`,
      );
    const slash = rest.indexOf("/", 2);
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    if (authority.includes("@")) {
      throw new LocationProblem(
        ErrorCode.BAD_URI,
        "an s3:// URI must not contain credentials; name a credentials entry with `credentials:` instead",
      );
    }
    const key = slash === -1 ? "" : rest.slice(slash + 1);
    if (!BUCKET.test(authority)) {
      throw new LocationProblem(
        ErrorCode.BAD_URI,
        `"${text}" has an invalid bucket name "${authority}" (3-63 lowercase letters, digits, "." and "-")`,
      );
    }
    return { scheme: "s3", bucket: authority, key };
  }
  throw new LocationProblem(
    ErrorCode.BAD_URI,
    `"${scheme}:" URIs are not supported (in "${text.replace(/\/\/[^/@]*@/, "//***@")}"); use a project-relative path, file:///absolute/path or s3://bucket/key`,
  );
}

/**
 * Resolves a path against the project root and refuses one that leaves it, so a catalog
 * (or a dataset name substituted into a pattern) cannot read or overwrite files elsewhere.
 */
export function resolveInside(root: string, path: string): string {
  const abs = resolve(root, path);
  const rel = relative(resolve(root), abs);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new LocationProblem(
      ErrorCode.PATH_TRAVERSAL,
      `path "${path}" resolves outside the project root (${resolve(root)}); keep dataset paths inside the project, or use an explicit file:/// URI`,
    );
  }
  return abs;
}

/** A path inside root, written project-relative with "/" separators (what plans store). */
export function projectRelative(root: string, path: string): string {
  const abs = resolveInside(root, path);
  return relative(resolve(root), abs).split(sep).join("/");
}
