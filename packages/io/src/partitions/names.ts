/** Longest partition name: it becomes a file name, and file systems allow 255 bytes. */
export const MAX_PARTITION_NAME = 200;

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._=+-]*$/;

/**
 * Why `name` cannot name a partition, or undefined when it can. A partition name becomes
 * a file name (or the last part of an S3 key) on every platform: letters, digits and
 * `. _ = + -`, starting with a letter or digit, no "..", not ending with "." (Windows
 * drops it), at most 200 characters. `date=2024-01-01` (Hive style) is fine.
 *
 * @example
 * partitionNameProblem("2024-01-01") // undefined
 * partitionNameProblem("../etc/passwd") // "must start with a letter or digit ..."
 */
export function partitionNameProblem(name: string): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "is empty";
  if (name.length > MAX_PARTITION_NAME)
    return `is ${name.length} characters long (at most ${MAX_PARTITION_NAME})`;
  if (!SAFE.test(name))
    return 'must start with a letter or digit and hold only letters, digits, ".", "_", "=", "+" and "-" (it becomes a file name)';
  if (name.includes("..")) return 'must not contain ".."';
  if (name.endsWith(".")) return 'must not end with "."';
  return undefined;
}
