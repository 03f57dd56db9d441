import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A real S3-protocol server (s3rver) on 127.0.0.1, a random port and a temp dir. */
export interface S3Server {
  endpoint: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startS3Server(buckets: string[]): Promise<S3Server> {
  const dir = await mkdtemp(join(tmpdir(), "pw-s3rver-"));
  const script = fileURLToPath(new URL("./s3rver-child.mjs", import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ["--openssl-legacy-provider", "--no-warnings", script, dir, ...buckets],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(() => [undefined]),
  ])) as [string | undefined];
  if (first === undefined) throw new Error("s3rver exited before listening");
  const { port } = JSON.parse(first) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    dir,
    async stop() {
      const exited = once(child, "exit");
      child.stdin!.end();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
