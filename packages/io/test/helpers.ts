import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PlanDataset, StorageBinding } from "@pipewright/core";

/** A fresh temp directory standing for a project root; remove() deletes it. */
export async function tempProject(): Promise<{
  root: string;
  file: (rel: string, text: string | Uint8Array) => Promise<string>;
  remove: () => Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), "pw-io-"));
  return {
    root,
    async file(rel, text) {
      const path = join(root, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** A plan dataset as the compiler would write it. */
export function planDataset(
  id: string,
  storage: StorageBinding,
  producer: string | null = null,
): PlanDataset {
  return { id, kind: "data", schemaHash: "0".repeat(64), storage, producer, consumers: [] };
}

/** The error a promise (or function) rejects with; fails the test when it does not. */
export async function caught(fn: () => unknown): Promise<Error & Record<string, any>> {
  try {
    await fn();
  } catch (e) {
    return e as Error & Record<string, any>;
  }
  throw new Error("expected an error, got none");
}
