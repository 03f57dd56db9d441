import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { cli } from "../support/cli.ts";
import { tinyProject } from "./project.ts";

test("a project reached through a symlink compiles and runs as through its real path", () => {
  const real = tinyProject();
  const link = `${real}-link`;
  symlinkSync(real, link, "dir");
  const viaLink = cli(["--cwd", link, "compile", "--target", "local"], { cwd: join(real, "..") });
  expect(viaLink.stderr).toBe("");
  expect(viaLink.code).toBe(0);
  const viaReal = cli(["compile", "--target", "local"], { cwd: real });
  expect(viaLink.stdout).toBe(viaReal.stdout);
  expect(cli(["run"], { cwd: link }).code).toBe(0);
});
