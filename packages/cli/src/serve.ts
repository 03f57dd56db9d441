import { spawnSync } from "node:child_process";
import { type FSWatcher, mkdtempSync, readFileSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "./output.ts";

/** Folders whose changes never change the drawing: outputs, state, dependencies. */
const IGNORED = /(^|[/\\])(node_modules|\.pipewright|\.git|data|out|dist)([/\\]|$)/;

/**
 * `pipewright viz --serve`: serves the page on 127.0.0.1 and, when a project file changes,
 * renders it again in a fresh process (so edited pipeline modules are really re-imported)
 * and reloads open tabs. Resolves with 130 on Ctrl-C.
 */
export async function serveAndWatch(
  io: Io,
  root: string,
  html: string,
  renderArgs: string[],
  port: number | undefined,
): Promise<number> {
  const { serveViz } = await import("@pipewright/viz");
  const server = await serveViz({ html, ...(port !== undefined && { port }) });
  io.err(`${io.colours.green("✓")} serving ${server.url} — watching ${root} (Ctrl-C to stop)\n`);
  const scratch = mkdtempSync(join(tmpdir(), "pipewright-viz-"));
  const bin = join(import.meta.dirname, "..", "bin", "pipewright.cjs");
  let timer: NodeJS.Timeout | undefined;
  const rerender = () => {
    const out = join(scratch, "page.html");
    const r = spawnSync(
      process.execPath,
      [bin, "viz", "--cwd", root, "--out", out, ...renderArgs],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    if (r.status === 0) {
      server.update(readFileSync(out, "utf8"));
      io.err(`${io.colours.green("↻")} reloaded\n`);
    } else
      io.err(
        `${io.colours.red("✗")} ${r.stderr.split("\n")[0] ?? "render failed"} (keeping the last page)\n`,
      );
  };
  const watcher: FSWatcher = watch(root, { recursive: true }, (_event, file) => {
    if (file && IGNORED.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(rerender, 150);
  });
  return new Promise((resolve) => {
    const stop = () => {
      watcher.close();
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      void server.close();
      resolve(130);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
