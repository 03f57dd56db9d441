// Follows a Dockerfile's steps on this machine, without Docker: the image's filesystem is
// a folder (`root`), paths the Dockerfile creates (its WORKDIR) are mapped into it, COPY
// honours .dockerignore, RUN runs through sh, ENV and USER apply to later steps. Enough
// for the Dockerfile `pipewright init` writes; anything else is refused rather than
// skipped, so the test cannot pass by ignoring a step.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative } from "node:path";

export interface Image {
  /** The folder standing for the image's `/`. */
  root: string;
  /** WORKDIR, as the image sees it (e.g. /app). */
  workdir: string;
  /** ENV, with image paths mapped to this machine. */
  env: Record<string, string>;
  /** USER, when set. */
  user: string | undefined;
  /** Maps the image's absolute paths (under its WORKDIRs) to this machine's. */
  map: (text: string) => string;
}

interface Step {
  instruction: string;
  args: string;
}

export function parseDockerfile(text: string): Step[] {
  const steps: Step[] = [];
  const joined = text.replace(/\\\n/g, " ");
  for (const raw of joined.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot read "${line}"`);
    steps.push({ instruction: m[1]!.toUpperCase(), args: m[2]! });
  }
  return steps;
}

/** .dockerignore as path prefixes (the form `init` writes: names and folders, no globs). */
function ignored(context: string): (rel: string) => boolean {
  const file = join(context, ".dockerignore");
  const patterns = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim().replace(/^\/+|\/+$/g, ""))
        .filter((l) => l !== "" && !l.startsWith("#"))
    : [];
  for (const p of patterns)
    if (/[*?[!]/.test(p)) throw new Error(`.dockerignore: pattern "${p}" is not supported here`);
  return (rel) => patterns.some((p) => rel === p || rel.startsWith(`${p}/`));
}

/** Runs `command` with sh, as `user` when given (this process must be root then). */
export function shell(
  command: string,
  options: { cwd: string; env: Record<string, string>; user?: string | undefined },
) {
  const argv = options.user
    ? ["runuser", "-u", options.user, "--", "env", ...envArgs(options.env), "sh", "-c", command]
    : ["sh", "-c", command];
  return spawnSync(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    encoding: "utf8",
    timeout: 600_000,
  });
}

const envArgs = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `${k}=${v}`);

/**
 * Builds the "image" into `root` from `context`. `baseEnv` stands for the base image's
 * environment (PATH with node and npm); `users` maps an image user to the local account
 * that plays it (and its HOME), or undefined to run every step as this process.
 */
export function followDockerfile(
  context: string,
  root: string,
  baseEnv: Record<string, string>,
  users: ((name: string) => { account: string; home: string } | undefined) | undefined,
): Image {
  const steps = parseDockerfile(readFileSync(join(context, "Dockerfile"), "utf8"));
  const prefixes: string[] = [];
  const map = (text: string) =>
    prefixes.reduce(
      (t, p) =>
        t.replace(
          new RegExp(`(^|[\\s:=])${p.replace(/[/.]/g, "\\$&")}(?=/|\\s|:|$)`, "g"),
          `$1${join(root, p)}`,
        ),
      text,
    );
  const image: Image = { root, workdir: "/", env: { ...baseEnv }, user: undefined, map };
  const here = () => join(root, image.workdir);
  const skip = ignored(context);
  for (const { instruction, args } of steps) {
    switch (instruction) {
      case "FROM":
        // The base image: node:20 on Debian. This machine stands for it (Node 20 + npm).
        break;
      case "WORKDIR": {
        image.workdir = posix.resolve(image.workdir, args);
        if (!prefixes.includes(image.workdir)) prefixes.push(image.workdir);
        mkdirSync(here(), { recursive: true });
        break;
      }
      case "USER":
        image.user = args.trim();
        break;
      case "ENV": {
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) {
          const value = map(m[2]!).replace(
            /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
            (_, v) => image.env[v] ?? "",
          );
          image.env[m[1]!] = value;
        }
        break;
      }
      case "COPY": {
        const parts = args.split(/\s+/);
        const chown = parts.find((p) => p.startsWith("--chown="))?.slice("--chown=".length);
        const paths = parts.filter((p) => !p.startsWith("--"));
        const rawDest = paths.pop()!;
        const dest = posix.resolve(image.workdir, rawDest);
        const destIsDir = rawDest.endsWith("/") || rawDest === "." || paths.length > 1;
        for (const src of paths) {
          const from = join(context, src);
          if (!existsSync(from)) throw new Error(`COPY ${src}: not in the build context`);
          // Docker: a folder's contents go into dest; a file goes into dest/ or becomes dest.
          const into = statSync(from).isDirectory()
            ? join(root, dest)
            : destIsDir
              ? join(root, dest, posix.basename(src))
              : join(root, dest);
          cpSync(from, into, {
            recursive: true,
            filter: (f) => {
              const rel = relative(context, f).split("\\").join("/");
              return rel === "" || !skip(rel);
            },
          });
          const account = chown && users?.(chown.split(":")[0]!)?.account;
          if (account) {
            const r = spawnSync("chown", ["-R", `${account}:${account}`, into]);
            if (r.status !== 0) throw new Error(`COPY --chown: ${r.stderr}`);
          }
        }
        break;
      }
      case "RUN": {
        const player = image.user === undefined ? undefined : users?.(image.user);
        const env = { ...image.env, ...(player && { HOME: player.home }) };
        const r = shell(map(args), { cwd: here(), env, user: player?.account });
        if (r.status !== 0)
          throw new Error(`RUN ${args} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
        break;
      }
      case "CMD":
      case "ENTRYPOINT":
      case "LABEL":
      case "EXPOSE":
        break;
      default:
        throw new Error(`Dockerfile: ${instruction} is not supported by this stand-in`);
    }
  }
  return image;
}
