import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { cli } from "../support/cli.ts";
import { tinyProject } from "./project.ts";

/** The tiny project with its conf/ moved to conf/base/, plus more files. */
function layered(files: Record<string, string> = {}): string {
  const dir = tinyProject();
  mkdirSync(join(dir, "conf", "base"));
  for (const f of ["catalog.yaml", "params.yaml"])
    renameSync(join(dir, "conf", f), join(dir, "conf", "base", f));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const total = (dir: string, file = "out/stats.json") =>
  (JSON.parse(readFileSync(join(dir, file), "utf8")) as { total: number }).total;

/** The args of every container/script task of an Argo manifest, flattened. */
function argoArgs(yamlText: string): string[][] {
  const doc = parse(yamlText) as {
    spec: { templates: { container?: { args?: string[] }; script?: { args?: string[] } }[] };
  };
  return doc.spec.templates
    .map((t) => t.container?.args ?? t.script?.args)
    .filter((a): a is string[] => Array.isArray(a));
}

describe("environments: conf/base overlaid by conf/<env>", () => {
  test("a param overridden in conf/prod wins only with --env prod or PIPEWRIGHT_ENV=prod", () => {
    const dir = layered({ "conf/prod/params.yaml": "stats:\n  scale: 5\n" });
    expect(cli(["run"], { cwd: dir }).code).toBe(0);
    expect(total(dir)).toBe(30);
    const prod = cli(["run", "--env", "prod"], { cwd: dir });
    expect(prod.code).toBe(0);
    expect(total(dir)).toBe(75);
    expect(cli(["run", "--env", "base"], { cwd: dir }).code).toBe(0);
    expect(total(dir)).toBe(30);
    expect(cli(["run"], { cwd: dir, env: { PIPEWRIGHT_ENV: "prod" } }).code).toBe(0);
    expect(total(dir)).toBe(75);
    // The flag wins over the variable.
    expect(cli(["run", "-e", "base"], { cwd: dir, env: { PIPEWRIGHT_ENV: "prod" } }).code).toBe(0);
    expect(total(dir)).toBe(30);
  });

  test("params merge key by key; the catalog replaces an entry whole; conf/local applies by default", () => {
    const dir = layered({
      "conf/base/params.yaml": "stats:\n  scale: 2\n  unused: keep\n",
      "conf/local/params.yaml": "stats:\n  scale: 3\n",
      "conf/local/catalog.yaml": "stats:\n  type: json\n  path: out/local-stats.json\n",
    });
    const r = cli(["run", "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(total(dir, "out/local-stats.json")).toBe(45);
    expect(JSON.parse(r.stdout).params).toEqual({ stats: { scale: 3, unused: "keep" } });
  });

  test("a named environment without its folder is a clear usage error", () => {
    const dir = layered({ "conf/prod/params.yaml": "stats:\n  scale: 5\n" });
    const r = cli(["run", "--env", "prdo"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[UNKNOWN_ENV]");
    expect(r.stderr).toContain("no conf/prdo/ folder");
    expect(r.stderr).toContain('Did you mean "prod"?');
    const fromVariable = cli(["status"], { cwd: dir, env: { PIPEWRIGHT_ENV: "staging" } });
    expect(fromVariable.code).toBe(2);
    expect(fromVariable.stderr).toContain("PIPEWRIGHT_ENV staging");
  });

  test("the flat layout (conf/catalog.yaml) still works, and takes an environment too", () => {
    const dir = tinyProject({ "conf/prod/params.yaml": "stats:\n  scale: 10\n" });
    expect(cli(["run"], { cwd: dir }).code).toBe(0);
    expect(total(dir)).toBe(30);
    expect(cli(["run", "--env", "prod"], { cwd: dir }).code).toBe(0);
    expect(total(dir)).toBe(150);
  });

  test("engine tasks run with the environment they were compiled with", () => {
    const dir = layered({ "conf/prod/params.yaml": "stats:\n  scale: 5\n" });
    const image = ["--image", "example/tiny:1", "--group", "memory"];
    const base = cli(["compile", "--target", "argo", ...image, "--json"], { cwd: dir });
    expect(base.code, base.stderr).toBe(0);
    for (const args of argoArgs(JSON.parse(base.stdout).text))
      expect(args.join(" ")).toContain("--env base");
    const prod = cli(["compile", "--target", "argo", ...image, "--env", "prod", "--json"], {
      cwd: dir,
    });
    const prodSummary = JSON.parse(prod.stdout);
    expect(prodSummary.env).toBe("prod");
    expect(prodSummary.planHash).not.toBe(JSON.parse(base.stdout).planHash);
    for (const args of argoArgs(prodSummary.text)) expect(args.join(" ")).toContain("--env prod");
    // The pod: run-node with the same env accepts the plan hash; with another, it refuses.
    const node = ["run-node", "--node", "clean_rows", "--plan-hash", prodSummary.planHash];
    expect(cli([...node, "--env", "prod"], { cwd: dir }).code).toBe(0);
    const wrong = cli([...node, "--env", "base"], { cwd: dir });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("PLAN_HASH_MISMATCH");
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${env:...} syntax
  test("credentials values, literal or from ${env:...}, do not enter the plan hash", () => {
    const dir = layered({
      "conf/base/catalog.yaml":
        "raw:\n  type: csv\n  path: data/raw.csv\nstats:\n  type: json\n  uri: s3://bucket/stats.json\n  credentials: store\n",
      "conf/base/credentials.yaml":
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${env:...} syntax
        "store:\n  accessKeyId: laptop\n  secretAccessKey: ${env:STORE_SECRET}\n",
    });
    const hash = (env: Record<string, string>) => {
      const r = cli(["compile", "--json"], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).planHash as string;
    };
    const first = hash({ STORE_SECRET: "one" });
    writeFileSync(
      join(dir, "conf/base/credentials.yaml"),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${env:...} syntax
      "store:\n  accessKeyId: pod\n  secretAccessKey: ${env:STORE_SECRET}\n",
    );
    expect(hash({ STORE_SECRET: "two" })).toBe(first);
  });
});
