import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCredentials } from "../src/index.ts";
import { caught, tempProject } from "./helpers.ts";

/** `${env:NAME}`, written without tripping the template-string lint. */
const ref = (name: string) => `\${env:${name}}`;

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.remove());

describe("loadCredentials", () => {
  it("reads named entries with env references and defaults", async () => {
    const file = await project.file(
      "conf/credentials.yaml",
      `minio:\n  accessKeyId: ${ref("MINIO_KEY")}\n  secretAccessKey: ${ref("MINIO_SECRET")}\n  endpoint: ${ref("MINIO_URL,http://localhost:9000")}\n  port: 9000\n`,
    );
    expect(
      await loadCredentials(file, { MINIO_KEY: "k", MINIO_SECRET: "s" }, project.root),
    ).toEqual({
      minio: {
        accessKeyId: "k",
        secretAccessKey: "s",
        endpoint: "http://localhost:9000",
        port: "9000",
      },
    });
  });

  it("a missing file is no credentials", async () => {
    expect(await loadCredentials(join(project.root, "conf/credentials.yaml"))).toEqual({});
  });

  it("a missing variable is MISSING_ENV naming entry, key and line, never a value", async () => {
    const file = await project.file(
      "conf/credentials.yaml",
      `minio:\n  accessKeyId: AKIAVISIBLE\n  secretAccessKey: ${ref("NOPE")}\n`,
    );
    const e = await caught(() => loadCredentials(file, {}, project.root));
    expect(e.code).toBe("MISSING_ENV");
    expect(e.message).toBe(
      `conf/credentials.yaml:3: credentials "minio": key "secretAccessKey": environment variable NOPE is not set; set it, or give a default with ${ref("NOPE,default")}.`,
    );
  });

  it("structure errors name the entry and key but not the secrets around them", async () => {
    const file = await project.file(
      "conf/credentials.yaml",
      "minio:\n  secretAccessKey: hunter2\n  nested: { a: 1 }\nbad: just-a-secret-string\n",
    );
    const e = await caught(() => loadCredentials(file, {}, project.root));
    expect(e.code).toBe("CATALOG_INVALID");
    expect(e.message).toContain(
      'conf/credentials.yaml:3: credentials "minio": key "nested" must be a single value',
    );
    expect(e.message).toContain('conf/credentials.yaml:4: credentials "bad": must be a mapping');
    expect(e.message).not.toMatch(/hunter2|just-a-secret-string/);
  });

  it("YAML syntax errors do not quote the file", async () => {
    const file = await project.file(
      "conf/credentials.yaml",
      "minio:\n  secretAccessKey: hunter2\n  secretAccessKey: hunter3\n",
    );
    const e = await caught(() => loadCredentials(file, {}, project.root));
    expect(e.message).toMatch(
      /conf\/credentials\.yaml:3:\d+: invalid YAML: Map keys must be unique/,
    );
    expect(e.message).not.toMatch(/hunter/);
  });
});
