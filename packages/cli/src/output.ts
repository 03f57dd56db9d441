import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import pc from "picocolors";

/**
 * Colour only for a terminal, and never when NO_COLOR is set to anything non-empty
 * (https://no-color.org). FORCE_COLOR wins, for tests of the coloured output.
 */
export function colourEnabled(stream: NodeJS.WriteStream, env = process.env): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  if (env.NO_COLOR) return false;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export type Colours = ReturnType<typeof pc.createColors>;

/** Where a command writes: data to stdout, logs and progress to stderr. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  colours: Colours;
  /** stderr is a terminal: live progress is allowed. */
  interactive: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIo(cwd: string): Io {
  // `pipewright ls | head`: once the reader has gone, further output is dropped and the
  // command finishes as it would have (a run is not cut short half-way), instead of dying
  // on an unhandled EPIPE.
  let readerGone = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    readerGone = true;
  });
  return {
    out: (t) => {
      if (!readerGone) process.stdout.write(t);
    },
    err: (t) => process.stderr.write(t),
    colours: pc.createColors(colourEnabled(process.stderr)),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
    cwd,
    env: process.env,
  };
}

/** Pretty JSON with a trailing newline, for --json. */
export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Writes a file atomically (temp file + rename), creating folders: a failed command
 * never leaves a half-written output behind.
 */
export function writeFileAtomic(path: string, text: string): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** "1 node", "2 nodes": a count with its noun, singular for exactly one. */
export const plural = (n: number, noun: string, nouns = `${noun}s`) =>
  `${n} ${n === 1 ? noun : nouns}`;

/** Milliseconds as "850 ms", "3.2 s" or "2 min 5 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
