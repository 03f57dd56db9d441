import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BIN, cli } from "../support/cli.ts";
import { tinyProject } from "./project.ts";

describe("pipewright viz", () => {
  test("writes a page, Mermaid and DOT; a run overlay needs a recorded run", () => {
    const dir = tinyProject();
    expect(cli(["viz", "--out", "page.html"], { cwd: dir }).code).toBe(0);
    const page = readFileSync(join(dir, "page.html"), "utf8");
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain("summarise");
    expect(cli(["viz", "--format", "mermaid"], { cwd: dir }).stdout).toMatch(
      /^(flowchart|graph) LR/m,
    );
    expect(cli(["viz", "--format", "dot"], { cwd: dir }).stdout).toMatch(/^digraph/m);
    expect(cli(["viz", "--run", "latest", "--out", "run.html"], { cwd: dir }).code).toBe(2);
    cli(["run"], { cwd: dir });
    expect(cli(["viz", "--run", "latest", "--out", "run.html"], { cwd: dir }).code).toBe(0);
    expect(cli(["viz", "--format", "dot", "--run", "latest"], { cwd: dir }).code).toBe(2);
  });

  test("--serve serves on 127.0.0.1 and reloads when a pipeline file changes", async () => {
    const dir = tinyProject();
    const child = spawn(process.execPath, [BIN, "viz", "--serve", "--port", "0"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      const url = await waitFor(() => /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1]);
      expect(await (await fetch(url)).text()).toContain("summarise");
      const file = join(dir, "src/pipeline.ts");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace('name: "summarise"', 'name: "summarise_all"'),
      );
      await waitFor(async () =>
        (await (await fetch(url)).text()).includes("summarise_all") ? true : undefined,
      );
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(130);
  });
});

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 90_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 200));
  }
}
