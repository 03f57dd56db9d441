import { spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { kubeletExpand } from "./kubelet.ts";

type Doc = Record<string, any>;

/** What the pods of a simulated cluster see besides their manifest. */
export interface Cluster {
  /** The "image": a project folder, copied afresh for every pod (and attempt). */
  image: string;
  /** Where pod folders are made (inside the repository, so node_modules resolve). */
  scratch: string;
  /** Kubernetes Secrets by name: key -> value. */
  secrets?: Record<string, Record<string, string>>;
  configMaps?: Record<string, Record<string, string>>;
  /** Folders on the image's PATH (e.g. one holding a `pipewright` executable), before the host's. */
  path: string[];
  /** Run processes as securityContext.runAsUser asks (needs root and setpriv); default true when possible. */
  runAsUser?: boolean;
}

/** One attempt: one pod, one process. */
export interface Attempt {
  pod: string;
  argv: string[];
  /** The container's environment as the process got it (after envFrom, valueFrom, $(VAR)). */
  env: Record<string, string>;
  exitCode: number | null;
  deadlineExceeded: boolean;
  /** The uid the process ran as. */
  uid: number;
  stdout: string;
  stderr: string;
}

const canSwitchUser = process.getuid?.() === 0 && existsSync("/usr/bin/setpriv");
const under = (path: string, dir: string) =>
  path === dir || path.startsWith(`${dir.replace(/\/$/, "")}/`);

/**
 * Runs one container template (tags already substituted) the way a kubelet would, as a
 * plain process: a fresh copy of the image as the working directory, its own /tmp, the
 * volumes it mounts materialised under a private root, env from values, secrets,
 * config maps and the pod's annotations (downward API), `$(VAR)` expanded in command,
 * args and env, the user of its securityContext, and a read-only copy when the root
 * file system is read-only. Absolute paths the container would see (its working dir,
 * /tmp, mount paths) are mapped to those folders, in env values too.
 */
export async function runPod(
  template: Doc,
  cluster: Cluster,
  pod: string,
  deadlineSeconds: number | null,
): Promise<Attempt> {
  const container: Doc = template.container;
  const dir = join(cluster.scratch, pod);
  const root = join(dir, "root");
  const app = join(dir, "app");
  const workingDir: string = container.workingDir ?? "/";
  // Pods may run as another user: the scratch folder must let them in (mkdtemp makes it 0700).
  chmodSync(cluster.scratch, 0o755);
  cpSync(cluster.image, app, { recursive: true });
  chmodTree(app, "a+rX");
  mkdirSync(join(root, "tmp"), { recursive: true, mode: 0o777 });
  chmodSync(join(root, "tmp"), 0o777);
  const mounts: string[] = [];
  const volumes = new Map<string, Doc>((template.volumes ?? []).map((v: Doc) => [v.name, v]));
  for (const m of container.volumeMounts ?? []) {
    const volume = volumes.get(m.name);
    if (!volume) throw new Error(`${pod}: volumeMount ${m.name} has no volume`);
    mounts.push(m.mountPath);
    materialise(volume, join(root, m.mountPath), cluster);
  }
  const local = (path: string) =>
    under(path, workingDir) ? join(app, path.slice(workingDir.length)) : join(root, path);
  const mapped = (value: string) =>
    value.startsWith("/") &&
    (under(value, workingDir) ||
      under(value, "/tmp") ||
      mounts.some((m) => under(m, value) || under(value, m)));

  const env = containerEnv(container, template.metadata?.annotations ?? {}, cluster, pod);
  for (const [name, value] of env) if (mapped(value)) env.set(name, local(value));
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map((a: string) =>
    kubeletExpand(a, env),
  );
  const security = { ...template.securityContext, ...container.securityContext };
  if (security.readOnlyRootFilesystem) chmodTree(app, "a-w");
  const uid: number | undefined = security.runAsUser;
  const switchUser = uid !== undefined && (cluster.runAsUser ?? canSwitchUser);
  if (uid !== undefined && switchUser && !canSwitchUser)
    throw new Error(`${pod}: runAsUser ${uid} needs root and setpriv`);
  const [cmd, ...rest] = argv;
  const exe = resolveCommand(cmd!, cluster.path);
  const full = switchUser
    ? [
        "setpriv",
        `--reuid=${uid}`,
        `--regid=${security.runAsGroup ?? uid}`,
        "--clear-groups",
        exe,
        ...rest,
      ]
    : [exe, ...rest];
  const processEnv = {
    PATH: [...cluster.path, process.env.PATH ?? "/usr/bin:/bin"].join(":"),
    HOME: join(root, "tmp"),
    TMPDIR: join(root, "tmp"),
    NO_COLOR: "1",
    ...Object.fromEntries(env),
  };
  const result = await spawnWithDeadline(full, app, processEnv, deadlineSeconds);
  return {
    pod,
    argv,
    env: Object.fromEntries(env),
    uid: switchUser ? uid! : (process.getuid?.() ?? 0),
    ...result,
  };
}

function containerEnv(
  container: Doc,
  annotations: Record<string, string>,
  cluster: Cluster,
  pod: string,
) {
  const env = new Map<string, string>();
  const source = (kind: "secrets" | "configMaps", name: string) => {
    const s = cluster[kind]?.[name];
    if (!s)
      throw new Error(
        `${pod}: ${kind === "secrets" ? "Secret" : "ConfigMap"} ${name} does not exist`,
      );
    return s;
  };
  // The kubelet adds envFrom first, then env, whose values may refer to what comes before.
  for (const e of container.envFrom ?? []) {
    const data = e.secretRef
      ? source("secrets", e.secretRef.name)
      : source("configMaps", e.configMapRef.name);
    for (const [k, v] of Object.entries(data)) env.set(`${e.prefix ?? ""}${k}`, v);
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env.set(e.name, kubeletExpand(e.value, env));
    else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const v = source("secrets", name)[key];
      if (v === undefined) throw new Error(`${pod}: Secret ${name} has no key ${key}`);
      env.set(e.name, v);
    } else if (e.valueFrom?.fieldRef) {
      const m = /^metadata\.annotations\['([^']+)'\]$/.exec(e.valueFrom.fieldRef.fieldPath);
      if (!m) throw new Error(`${pod}: fieldRef ${e.valueFrom.fieldRef.fieldPath} is not modelled`);
      env.set(e.name, annotations[m[1]!] ?? "");
    } else throw new Error(`${pod}: env ${e.name} has a source that is not modelled`);
  }
  return env;
}

function materialise(volume: Doc, at: string, cluster: Cluster): void {
  mkdirSync(dirname(at), { recursive: true });
  if (volume.emptyDir) {
    mkdirSync(at, { recursive: true, mode: 0o777 });
    chmodSync(at, 0o777);
  } else if (volume.secret || volume.configMap) {
    const name = volume.secret?.secretName ?? volume.configMap.name;
    const data = volume.secret ? cluster.secrets?.[name] : cluster.configMaps?.[name];
    if (!data) throw new Error(`volume ${volume.name}: ${name} does not exist`);
    mkdirSync(at, { recursive: true });
    for (const [k, v] of Object.entries(data)) writeFileSync(join(at, k), v, { mode: 0o644 });
    chmodTree(at, "a+rX,a-w");
  } else if (volume.persistentVolumeClaim) {
    // One folder per claim, shared by every pod that mounts it, as a ReadWriteMany volume.
    const claim = join(cluster.scratch, "pvc", volume.persistentVolumeClaim.claimName);
    mkdirSync(claim, { recursive: true, mode: 0o777 });
    chmodSync(claim, 0o777);
    symlinkSync(claim, at);
  } else throw new Error(`volume ${volume.name}: its source is not modelled`);
}

function resolveCommand(cmd: string, path: string[]): string {
  if (cmd.includes("/")) return cmd;
  for (const dir of [...path, ...(process.env.PATH ?? "").split(":")]) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  throw new Error(`executable "${cmd}" is not on the image's PATH`);
}

function chmodTree(dir: string, mode: string): void {
  if (spawnSync("chmod", ["-R", mode, dir]).status !== 0)
    throw new Error(`chmod -R ${mode} ${dir} failed`);
}

function spawnWithDeadline(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  deadlineSeconds: number | null,
): Promise<{ exitCode: number | null; deadlineExceeded: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let deadlineExceeded = false;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer =
      deadlineSeconds === null
        ? undefined
        : setTimeout(() => {
            deadlineExceeded = true;
            child.kill("SIGKILL");
          }, deadlineSeconds * 1000);
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode: code, deadlineExceeded, stdout, stderr });
    });
  });
}
