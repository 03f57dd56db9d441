import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
export const STUB_DIR = join(here, "stub");
export const ARGV_DUMP = join(STUB_DIR, "argv_dump.py");
const PYTHON_COMMAND = process.env.PYTHON ?? "python3";

/**
 * The interpreter behind `python3`, resolved once: version-manager shims (pyenv) cost a
 * second per start, the interpreter itself a tenth of that.
 */
export const PYTHON = resolveInterpreter();

function resolveInterpreter(): string {
  const result = spawnSync(PYTHON_COMMAND, ["-c", "import sys; print(sys.executable)"], {
    encoding: "utf8",
  });
  // When python3 is missing, keep the command: every check that needs it then fails with a clear message.
  return result.status === 0 && result.stdout.trim() !== "" ? result.stdout.trim() : PYTHON_COMMAND;
}

/**
 * Runs python3. A missing interpreter fails the test that needs it, with the fix in the
 * message: these checks are the only proof the emitted file is valid Python.
 */
export function python(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): string {
  const result = spawnSync(PYTHON, args, {
    encoding: "utf8",
    env: {
      ...process.env,
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONIOENCODING: "utf-8",
      ...options.env,
    },
    maxBuffer: 1 << 30,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  if (result.error) {
    throw new Error(
      `cannot run ${PYTHON} (${result.error.message}): install python3 (apt-get install python3) or set PYTHON`,
    );
  }
  if (result.status !== 0)
    throw new Error(`${PYTHON} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

let scratch: string | undefined;
/** A fresh file path in this run's scratch folder. */
export function scratchFile(name: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), "pw-airflow-"));
  const dir = mkdtempSync(join(scratch, "f-"));
  return join(dir, name);
}

/** Writes `source` to a file and byte-compiles it with `python3 -m py_compile`. */
export function pyCompile(source: string): string {
  const file = scratchFile("dag.py");
  writeFileSync(file, source);
  python(["-m", "py_compile", file], {
    env: { PYTHONPYCACHEPREFIX: join(dirname(file), "pycache") },
  });
  return file;
}

export interface Recorded {
  dags: { dag_id: string; kwargs: Record<string, any> }[];
  groups: { id: string; parent: string | null }[];
  tasks: {
    task_id: string;
    kind: string;
    group: string | null;
    kwargs: Record<string, any>;
    rendered: Record<string, any>;
    executed?: { code: number; stdout: string; stderr: string };
  }[];
  edges: [string, string][];
}

/** Executes a DAG file against the recording stand-in for Airflow (test/stub). */
export function runDag(
  source: string,
  options: {
    version?: 2 | 3;
    runId?: string;
    execBash?: boolean;
    /** What "trigger with config" would give: values of DAG params for this run. */
    conf?: Record<string, unknown>;
  } = {},
): Recorded {
  const file = pyCompile(source);
  const args = [join(STUB_DIR, "run_dag.py"), file, options.runId ?? RUN_ID];
  if (options.execBash) args.push("--exec-bash");
  if (options.conf) args.push("--conf", JSON.stringify(options.conf));
  return JSON.parse(
    python(args, { env: { AIRFLOW_STUB_VERSION: String(options.version ?? 3) } }),
  ) as Recorded;
}

/** A run id with shell and Jinja metacharacters: it must reach run-node unchanged. */
export const RUN_ID = `manual__2024-01-01T00:00:00+00:00 $(echo x) '"\`;`;

/** Compares `actual` with the golden file; UPDATE_GOLDEN=1 rewrites it instead. */
export function expectGolden(actual: string, file: string): void {
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 to create it`).toBe(true);
  expect(actual).toBe(readFileSync(file, "utf8"));
}
