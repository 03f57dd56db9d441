// Named credentials reach a pod from Kubernetes Secrets, never from the manifest: as
// prefixed variables (envFrom) or as a mounted Secret (one file per key).
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Catalog, loadCredentials } from "../src/index.ts";
import { tempProject } from "./helpers.ts";

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.remove());

/** A Secret as the kubelet mounts it: keys are links into a hidden ..data folder. */
function mountSecret(dir: string, values: Record<string, string>): void {
  const data = join(dir, "..2026_01_01_00_00_00.000000001");
  mkdirSync(data, { recursive: true });
  for (const [key, value] of Object.entries(values)) {
    writeFileSync(join(data, key), value);
    symlinkSync(join("..data", key), join(dir, key));
  }
  symlinkSync("..2026_01_01_00_00_00.000000001", join(dir, "..data"));
}

describe("credentials from Kubernetes Secrets", () => {
  it("reads PIPEWRIGHT_CREDENTIALS__<name>__<key> variables without a credentials file", async () => {
    const creds = await loadCredentials(
      join(project.root, "conf/credentials.yaml"),
      {
        PIPEWRIGHT_CREDENTIALS__minio__accessKeyId: "AK",
        PIPEWRIGHT_CREDENTIALS__minio__secretAccessKey: "SK",
        PIPEWRIGHT_CREDENTIALS__my__team__endpoint: "http://s3.local",
        PIPEWRIGHT_CREDENTIALS__broken: "x",
      },
      project.root,
    );
    expect(creds).toEqual({
      minio: { accessKeyId: "AK", secretAccessKey: "SK" },
      my__team: { endpoint: "http://s3.local" },
    });
  });

  it("reads a mounted Secret under PIPEWRIGHT_CREDENTIALS_DIR, and variables win per key", async () => {
    const dir = join(project.root, "secrets");
    mountSecret(join(dir, "warehouse"), { accessKeyId: "AK\n", secretAccessKey: "SK" });
    const creds = await loadCredentials(
      join(project.root, "conf/credentials.yaml"),
      {
        PIPEWRIGHT_CREDENTIALS_DIR: dir,
        PIPEWRIGHT_CREDENTIALS__warehouse__secretAccessKey: "from-env",
      },
      project.root,
    );
    expect(creds).toEqual({ warehouse: { accessKeyId: "AK", secretAccessKey: "from-env" } });
  });

  it("adds to the credentials file key by key, so the catalog's check passes in a pod", async () => {
    const file = await project.file("conf/credentials.yaml", "minio:\n  endpoint: http://m:9000\n");
    const creds = await loadCredentials(
      file,
      { PIPEWRIGHT_CREDENTIALS__minio__accessKeyId: "AK", PIPEWRIGHT_CREDENTIALS__dwh__x: "1" },
      project.root,
    );
    expect(creds).toEqual({
      minio: { endpoint: "http://m:9000", accessKeyId: "AK" },
      dwh: { x: "1" },
    });
    const catalog = Catalog.fromEntries(
      { t: { type: "json", uri: "s3://bucket/t.json", credentials: "dwh" } },
      { root: project.root, credentials: creds },
    );
    expect(catalog.resolve("t")?.credentials).toBe("dwh");
  });
});
