// pipewright as a new user gets it, outside this repository: every package packed to a
// tarball, the CLI installed from them with npm, `pipewright init --packages`, the
// generated README's commands run one by one, every compile target, and the generated
// Dockerfile followed step by step in a clean folder (as a non-root user when this runs as
// root) before running one emitted Argo task's command line there.
//
// Needs the npm registry for third-party dependencies (zod, tsx, yaml, ...). Run with
// `pnpm test:packaging`; CI runs it from .ci/run.
import { isAscii } from "node:buffer";
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlanSchema } from "@pipewright/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import YAML from "yaml";
import { modulesLoadedBy } from "../support/modules.ts";
import { random } from "../support/random.ts";
import { followDockerfile, shell } from "./dockerfile.ts";

const repo = join(import.meta.dirname, "..", "..");
// A clean environment: nothing from pnpm or vitest (npm_config_*, NODE_OPTIONS) leaks into npm.
// Start-up images are built before a command exits, not in the background, so that no
// process outlives its command (and every later command of a test starts from an image).
const env: Record<string, string> = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: process.env.HOME ?? "/root",
  CI: "true",
  NO_COLOR: "1",
  PIPEWRIGHT_IMAGE: "sync",
  ...(process.env.TMPDIR && { TMPDIR: process.env.TMPDIR }),
};

let work: string;
let tarballs: string;
let project: string;

function sh(command: string, cwd: string): SpawnSyncReturns<string> {
  const r = shell(command, { cwd, env });
  if (r.status !== 0)
    throw new Error(`\`${command}\` exited ${r.status} in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

const pw = (args: string, cwd = project) => sh(`npx pipewright ${args}`, cwd);

beforeAll(() => {
  // Outside the workspace: no pnpm-workspace.yaml or node_modules above it.
  work = mkdtempSync(join(tmpdir(), "pipewright-e2e-"));
  chmodSync(work, 0o755);
  tarballs = join(work, "tarballs");
  const pack = spawnSync(
    process.execPath,
    [join(repo, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/pack-all.ts", tarballs],
    { cwd: repo, encoding: "utf8", env: { ...process.env, ...env } },
  );
  if (pack.status !== 0) throw new Error(`pack-all failed:\n${pack.stdout}\n${pack.stderr}`);
});

afterAll(() => {
  if (work && !process.env.KEEP_E2E) rmSync(work, { recursive: true, force: true });
});

describe("pipewright outside the repository", () => {
  test("pack-all writes one tarball per package, built to dist/, in dependency order", () => {
    const files = readdirSync(tarballs).sort();
    expect(files).toEqual([
      "pipewright-0.1.0.tgz",
      "pipewright-airflow-0.1.0.tgz",
      "pipewright-argo-0.1.0.tgz",
      "pipewright-core-0.1.0.tgz",
      "pipewright-io-0.1.0.tgz",
      "pipewright-kubeflow-0.1.0.tgz",
      "pipewright-runner-0.1.0.tgz",
      "pipewright-viz-0.1.0.tgz",
    ]);
    const listing = sh("tar -tzf pipewright-core-0.1.0.tgz", tarballs).stdout;
    expect(listing).toContain("package/dist/index.js");
    // Bundled for start-up (scripts/build.ts): one .js for core, types still one per module.
    expect(listing.split("\n").filter((f) => f.endsWith(".js"))).toEqual(["package/dist/index.js"]);
    expect(listing).toContain("package/dist/authoring/node.d.ts");
    expect(listing).toContain("package/dist/index.d.ts");
    expect(listing).toContain("package/LICENSE");
    expect(listing).not.toContain("package/src/");
    const manifest = JSON.parse(
      sh("tar -xzOf pipewright-runner-0.1.0.tgz package/package.json", tarballs).stdout,
    );
    expect(manifest.exports["."]).toEqual({
      types: "./dist/index.d.ts",
      default: "./dist/index.js",
    });
    expect(manifest.dependencies["@pipewright/core"]).toBe("0.1.0");
    expect(manifest).toMatchObject({ license: "Apache-2.0", engines: { node: ">=20.15" } });
    expect(manifest.repository).toBeDefined();
  });

  test("init from the installed CLI, then the generated README's commands, one by one", () => {
    // The CLI, installed from the tarballs into a tools folder, writes the project.
    const tools = join(work, "tools");
    mkdirSync(tools);
    const all = readdirSync(tarballs);
    const file = (name: string) =>
      `file:${join(tarballs, all.find((f) => f.startsWith(`${name.replace(/^@/, "").replace("/", "-")}-0`))!)}`;
    const names = [
      "pipewright",
      ...["core", "io", "runner", "argo", "airflow", "kubeflow", "viz"].map(
        (p) => `@pipewright/${p}`,
      ),
    ];
    writeFileSync(
      join(tools, "package.json"),
      JSON.stringify({
        private: true,
        dependencies: { pipewright: file("pipewright") },
        overrides: Object.fromEntries(names.map((n) => [n, file(n)])),
      }),
    );
    sh("npm install --no-audit --no-fund", tools);
    sh(
      `${join(tools, "node_modules", ".bin", "pipewright")} init my-pipelines --packages ${tarballs}`,
      work,
    );
    project = join(work, "my-pipelines");
    for (const f of [
      "package.json",
      "tsconfig.json",
      ".gitignore",
      ".dockerignore",
      "Dockerfile",
      "README.md",
    ])
      expect(existsSync(join(project, f)), f).toBe(true);

    // Every npm/npx line of the README's sh blocks, in order (docker and argo need a cluster).
    const readme = readFileSync(join(project, "README.md"), "utf8");
    const lines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
      .flatMap((m) => m[1]!.split("\n"))
      .map((l) => l.trim())
      .filter((l) => /^(npm|npx) /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) sh(line, project);
    expect(JSON.parse(readFileSync(join(project, "data/02_output/summary.json"), "utf8"))).toEqual({
      count: 2,
      mean: 2.375,
    });
    // Installed from the tarballs: dist only, no TypeScript sources of ours.
    expect(existsSync(join(project, "node_modules/@pipewright/core/dist/index.js"))).toBe(true);
    expect(existsSync(join(project, "node_modules/@pipewright/core/src"))).toBe(false);
    expect(existsSync(join(project, "package-lock.json"))).toBe(true);
  });

  test("check, run, rerun all cached, a param change reruns, every target compiles", () => {
    const check = pw("check --json");
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, typecheck: { ran: true } });
    rmSync(join(project, ".pipewright"), { recursive: true, force: true });
    const statuses = (r: SpawnSyncReturns<string>) =>
      (JSON.parse(r.stdout) as { nodes: { status: string }[] }).nodes.map((n) => n.status);
    expect(statuses(pw("run --json"))).toEqual(["ran", "ran"]);
    expect(statuses(pw("run --json"))).toEqual(["cached", "cached"]);
    expect(statuses(pw("run --json --params summary.threshold=5"))).toEqual(["ran", "ran"]);
    expect(statuses(pw("run --json --params summary.threshold=5"))).toEqual(["cached", "cached"]);
    // Worker threads start from the runner's bundled dist (its worker entry found beside it).
    expect(statuses(pw("run --json --no-cache --parallel 2"))).toEqual(["ran", "ran"]);

    const planText = pw("compile --target local").stdout;
    const plan = PlanSchema.parse(JSON.parse(planText));
    expect(plan.order).toEqual(["keep_valid", "summarise"]);
    // Installed, the project loads from its esbuild bundle; through tsx the plan is the same,
    // byte for byte (locations and code fingerprints name the .ts sources either way).
    expect(readdirSync(join(project, ".pipewright", "build"))).toEqual([
      expect.stringMatching(/^project-[0-9a-f]{20}\.mjs$/),
    ]);
    const viaTsx = shell("npx pipewright compile --target local", {
      cwd: project,
      env: { ...env, PIPEWRIGHT_LOADER: "tsx" },
    });
    expect(viaTsx.stdout).toBe(planText);
    expect(Object.keys(Object.values(plan.code)[0]!.files)).toEqual(["src/pipeline.ts"]);
    for (const kind of ["workflow", "template"]) {
      const doc = YAML.parse(pw(`compile --target argo --kind ${kind}`).stdout);
      expect(doc.kind).toBe(kind === "workflow" ? "Workflow" : "WorkflowTemplate");
    }
    const cron = YAML.parse(pw('compile --target argo --kind cron --schedule "0 3 * * *"').stdout);
    expect(cron.kind).toBe("CronWorkflow");
    const dag = pw("compile --target airflow --env prod").stdout;
    expect(dag).toContain("from airflow");
    expect(dag).toContain("--env");
  });

  test("installed, the start-up commands load only what they use (Node's loader costs per module)", () => {
    // In the workspace tsx itself loads worker_threads and child_process, so only the
    // installed CLI can show what pipewright's own code pulls in.
    const bin = join(project, "node_modules/pipewright/bin/pipewright.cjs");
    // The ordinary start, without the project's start-up image (see the next test).
    const loaded = (args: string[]) => {
      const r = modulesLoadedBy([bin, ...args], project, { PIPEWRIGHT_IMAGE: "off" });
      expect(r.status, r.stderr).toBe(0);
      return r.urls;
    };
    const ls = loaded(["ls"]);
    expect(ls.some((u) => u.includes("/node_modules/pipewright/dist/main.js"))).toBe(true);
    expect(ls.filter((u) => /\/(object-hash|@dagrejs\/graphlib)\//.test(u))).toEqual([]);
    for (const args of [["ls"], ["status"], ["run-node", "--node", "keep_valid"]]) {
      const urls = args[0] === "ls" ? ls : loaded(args);
      expect(urls.some((u) => u.startsWith("node:"))).toBe(true);
      expect(urls, args[0]).not.toContain("node:child_process");
      expect(urls, args[0]).not.toContain("node:worker_threads");
    }
  });

  test("the start-up image: every command's output as without it, and a stale image is never used (random edits)", () => {
    const bin = join(project, "node_modules/pipewright/bin/pipewright.cjs");
    const run = (args: string, mode: string) =>
      shell(`node ${bin} ${args}`, { cwd: project, env: { ...env, PIPEWRIGHT_IMAGE: mode } });
    /** The command from the image (built first if need be) and the ordinary way: same bytes. */
    const same = (args: string, view = (stdout: string): unknown => stdout) => {
      run(args, "sync");
      const image = run(args, "verbose");
      expect(image.stderr, args).toMatch(/^pipewright: started from .*image-[0-9a-f]{20}\.cjs\n/);
      const plain = run(args, "off");
      expect(image.status, args).toBe(plain.status);
      expect(view(image.stdout), args).toEqual(view(plain.stdout));
      // Progress lines name durations and the run's id.
      const timeless = (text: string) =>
        text.replace(/\b\d+(\.\d+)? ?m?s\b/g, "T").replace(/run \d{4}-\S+/g, "run ID");
      expect(timeless(image.stderr.replace(/^pipewright: started from .*\n/, "")), args).toBe(
        timeless(plain.stderr),
      );
    };
    for (const args of [
      "ls",
      "status --json",
      "compile --target local",
      "compile --target argo",
      "compile --target airflow",
      "compile --target kubeflow",
      "run-node --node keep_valid",
    ])
      same(args);
    // A run's record has its own id and times: its nodes and what happened to them.
    const nodes = (stdout: string) =>
      (JSON.parse(stdout) as { nodes: { name: string; status: string }[] }).nodes.map(
        (n) => `${n.name} ${n.status}`,
      );
    same("run --json --no-cache", nodes);
    same("run --json", nodes);
    // From the image, zod and pipewright's packages are not loaded as ES modules.
    const urls = modulesLoadedBy([bin, "ls"], project, { PIPEWRIGHT_IMAGE: "" }).urls;
    expect(urls.filter((u) => /\/node_modules\/(zod|@pipewright)\//.test(u))).toEqual([]);
    expect(urls.some((u) => u.endsWith("/pipewright/dist/image/launch.cjs"))).toBe(true);
    expect(urls.some((u) => u.endsWith("/pipewright/dist/main.js"))).toBe(false);
    // Also its site table (node() definition sites, read instead of Node parsing the map),
    // and ASCII text, which the launcher reads without decoding UTF-8.
    const imageDir = join(project, ".pipewright", "image");
    const imageFile = readdirSync(imageDir).find((f) => /^image-[0-9a-f]{20}\.cjs$/.test(f))!;
    expect(existsSync(join(imageDir, `${imageFile}.sites.json`))).toBe(true);
    expect(isAscii(readFileSync(join(imageDir, imageFile)))).toBe(true);

    // Random edits of the project's code, each followed by a compile: the first after the
    // edit must not start from the image built before it, and every plan (code hashes,
    // locations, cache keys) must be the ordinary start's. Each edit gets an mtime of its
    // own in the past, so the image is rebuilt without waiting out RACY_MS.
    const source = join(project, "src", "pipeline.ts");
    const original = readFileSync(source, "utf8");
    const helper = join(project, "src", "helper.ts");
    const next = random(Number(process.env.E2E_SEED ?? 12));
    let clock = Math.floor(Date.now() / 1000) - 3600;
    const write = (file: string, text: string) => {
      writeFileSync(file, text);
      clock += 1;
      utimesSync(file, clock, clock);
    };
    const edits: [string, (text: string) => void][] = [
      ["a comment line", (t) => write(source, `// edit ${clock}\n${t}`)],
      [
        "a same-size change of a number",
        (t) =>
          write(
            source,
            t.replace(/\b(\d)\b/, (d) => String((Number(d) + 1) % 10)),
          ),
      ],
      [
        "a node's code",
        (t) =>
          write(
            source,
            t.replace(/\(m\) => (\d+ \* 0 \+ )?m\.value/, `(m) => ${clock} * 0 + m.value`),
          ),
      ],
      [
        "a new module imported",
        (t) => {
          write(helper, `export const helped = ${clock};\n`);
          write(source, `import { helped } from "./helper.ts";\nvoid helped;\n${t}`);
        },
      ],
      ["the original back", () => write(source, original)],
    ];
    const pkgFile = join(project, "package.json");
    const pkgText = readFileSync(pkgFile, "utf8");
    try {
      editAndCompare();
    } finally {
      write(source, original);
      write(pkgFile, pkgText);
      for (const extra of [
        helper,
        join(project, "src", "lib.ts"),
        join(project, "src", "node_modules"),
      ])
        rmSync(extra, { recursive: true, force: true });
    }

    function editAndCompare() {
      let fromImage = 0;
      const missed: string[] = [];
      for (let round = 0; round < 10; round++) {
        const [what, edit] = edits[Math.floor(next() * edits.length)]!;
        edit(readFileSync(source, "utf8"));
        // The first builds a new image before it exits (sync), the second starts from it.
        const first = run("compile --target local", "verbose,sync");
        expect(first.stderr, `round ${round}: ${what}`).toMatch(/^pipewright: no start-up image: /);
        const again = run("compile --target local", "verbose");
        if (/^pipewright: started from /.test(again.stderr)) fromImage++;
        else missed.push(`round ${round} (${what}): ${again.stderr.split("\n")[0]}`);
        const plain = run("compile --target local", "off");
        expect(first.stdout, `round ${round}: ${what}`).toBe(plain.stdout);
        expect(again.stdout, `round ${round}: ${what}`).toBe(plain.stdout);
      }
      // The property is only tested where the image ran.
      expect(missed).toEqual([]);
      expect(fromImage).toBe(10);

      // A module that throws as it loads: the same CONFIG_FAILED, file and line, from the image.
      write(source, `${original}\nthrow new Error("broken on purpose");\n`);
      same("ls");
      expect(run("ls", "off").stderr).toMatch(
        /\[CONFIG_FAILED\].*broken on purpose \(at src\/pipeline\.ts:\d+\)/,
      );
      // Top-level await, which a CommonJS image cannot hold: no image, said once, and the
      // ordinary start does the work (not a build attempt on every start).
      write(source, `${original}\nawait Promise.resolve();\n`);
      const noImage = run("ls", "verbose,sync");
      expect(noImage.status).toBe(0);
      const manifest = join(project, ".pipewright", "image", "manifest.json");
      expect(JSON.parse(readFileSync(manifest, "utf8")).failed).toMatch(
        /^src\/pipeline\.ts:\d+: .*await/i,
      );
      const written = statSync(manifest).mtimeMs;
      const again = run("ls", "verbose,sync");
      expect(again.stderr).toMatch(/^pipewright: no start-up image: the project has no image: /);
      expect(again.stdout).toBe(run("ls", "off").stdout);
      expect(statSync(manifest).mtimeMs).toBe(written);

      // An import() of a computed specifier: no image (it would become a require), said
      // with its file and line.
      write(source, `${original}\nexport const load = (p: string) => import(p);\n`);
      run("ls", "sync");
      expect(JSON.parse(readFileSync(manifest, "utf8")).failed).toMatch(
        /^src\/pipeline\.ts:\d+: import\(\) of a specifier computed at run time/,
      );
      // Project code reached by a package.json "imports" alias is bundled, not required.
      write(
        pkgFile,
        JSON.stringify({ ...JSON.parse(pkgText), imports: { "#lib": "./src/lib.ts" } }),
      );
      write(join(project, "src", "lib.ts"), "export const limit = 5;\n");
      write(
        source,
        `import { limit } from "#lib";\n${original.replace("m.value <= threshold", "m.value <= Math.min(threshold, limit)")}`,
      );
      same("compile --target local");
      same("run --json --no-cache", nodes);
      // A node_modules appearing in a folder above the project's modules (where a package
      // installed there would be found first, as in a monorepo) is a change.
      const above = join(project, "..", "node_modules");
      mkdirSync(above);
      const nearer = run("ls", "verbose,sync");
      rmSync(above, { recursive: true });
      expect(nearer.stderr).toMatch(
        /^pipewright: no start-up image: \S+-e2e-\w+\/node_modules changed/,
      );
      // Strict mode, as in the ordinary start: assigning to a frozen object throws.
      write(
        source,
        `${original}\nconst frozen = Object.freeze({ a: 1 });\n(frozen as { a: number }).a = 2;\n`,
      );
      same("ls");
      expect(run("ls", "off").stderr).toMatch(/CONFIG_FAILED.*read only property/);
      // A removed image is built again, not given up on.
      write(source, original);
      same("ls");
      for (const f of readdirSync(join(project, ".pipewright", "image")))
        if (/^image-[0-9a-f]{20}\.cjs$/.test(f)) rmSync(join(project, ".pipewright", "image", f));
      expect(run("ls", "verbose,sync").stderr).toMatch(
        /^pipewright: no start-up image: \S+ is gone/,
      );
      expect(run("ls", "verbose").stderr).toMatch(/^pipewright: started from /);
    }
  });

  test("a cached status or run-node from the image finds its hashes in the project's hash memo, and loads neither node:crypto nor node:zlib", () => {
    const bin = join(project, "node_modules/pipewright/bin/pipewright.cjs");
    const list = join(work, "builtins.txt");
    const preload = join(work, "builtins.cjs");
    writeFileSync(
      preload,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join("\\n")));\n`,
    );
    const builtins = (args: string) => {
      const r = shell(`node -r ${preload} ${bin} ${args}`, {
        cwd: project,
        env: { ...env, PIPEWRIGHT_IMAGE: "verbose" },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^pipewright: started from /);
      return readFileSync(list, "utf8").split("\n");
    };
    pw("run");
    for (const args of ["status", "run-node --node keep_valid"]) {
      builtins(args); // the image's code cache for the command, and its hashes remembered
      const loaded = builtins(args);
      expect(loaded, args).not.toContain("NativeModule crypto");
      expect(loaded, args).not.toContain("NativeModule zlib");
    }
    // Without the memo the same command hashes with node:crypto (so the check can fail).
    rmSync(join(project, ".pipewright", "hashes.json"));
    expect(builtins("status")).toContain("NativeModule crypto");
    expect(existsSync(join(project, ".pipewright", "hashes.json"))).toBe(true);
  });

  test("the generated Dockerfile, followed in a clean folder, runs an emitted Argo task", () => {
    const manifest = YAML.parse(pw("compile --target argo").stdout) as ArgoWorkflow;
    const root = join(work, "image");
    mkdirSync(root);
    chmodSync(root, 0o755);
    // As root, the image's "node" user is played by a real unprivileged account, so a
    // working dir the user cannot write fails here as it would in the pod.
    const asRoot = process.getuid?.() === 0;
    if (asRoot && spawnSync("id", ["node"]).status !== 0) {
      const r = spawnSync("useradd", ["--create-home", "--shell", "/bin/sh", "node"]);
      if (r.status !== 0) throw new Error(`useradd node: ${r.stderr}`);
    }
    const users = asRoot ? (name: string) => ({ account: name, home: `/home/${name}` }) : undefined;
    const image = followDockerfile(project, root, env, users);
    const app = join(root, image.workdir);
    expect(existsSync(join(app, "node_modules/.bin/pipewright"))).toBe(true);
    expect(existsSync(join(app, "node_modules/typescript"))).toBe(false); // --omit=dev
    expect(existsSync(join(app, "conf/local"))).toBe(false); // .dockerignore
    // The build step left the code caches tasks start from: ls's, and compile's for run-node.
    const shipped = readdirSync(join(app, ".pipewright", "image"));
    expect(shipped.filter((f) => f.endsWith(".cache")).map((f) => f.split(".").at(-2))).toEqual(
      expect.arrayContaining(["ls", "compile"]),
    );

    // The first task of the workflow, its parameters filled in as Argo would.
    const task = manifest.spec.templates.find((t) => t.dag)!.dag!.tasks[0]!;
    const template = manifest.spec.templates.find((t) => t.name === task.template)!;
    const params = Object.fromEntries(
      (task.arguments?.parameters ?? []).map((p) => [p.name, String(p.value)]),
    );
    const fill = (s: string) =>
      s
        .replace(/\{\{inputs\.parameters\.([\w-]+)\}\}/g, (_, n) => params[n] ?? "")
        .replace(/\{\{workflow\.uid\}\}/g, "e2e-workflow-uid")
        .replace(/\{\{workflow\.name\}\}/g, "e2e-workflow");
    const container = template.container!;
    const argv = [...(container.command ?? []), ...(container.args ?? [])].map(fill);
    const taskEnv = Object.fromEntries(
      (container.env ?? []).map((e) => [e.name, fill(String(e.value ?? ""))]),
    );
    const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const player = asRoot ? users!(image.user ?? "root") : undefined;
    const r = shell(quoted, {
      cwd: image.map(container.workingDir ?? image.workdir),
      env: {
        ...image.env,
        ...taskEnv,
        ...(player && { HOME: player.home }),
        PIPEWRIGHT_IMAGE: "verbose",
      },
      user: player?.account,
    });
    expect(r.status, `${quoted}\n${r.stdout}\n${r.stderr}`).toBe(0);
    // The task started from the start-up image the Dockerfile's build step made.
    expect(r.stderr).toMatch(/^pipewright: started from \S+\/\.pipewright\/image\/image-/);
    expect(JSON.parse(readFileSync(join(app, "data/02_output/summary.json"), "utf8"))).toEqual({
      count: 3,
      mean: 11.75 / 3,
    });
    if (asRoot) expect(statSync(join(app, ".pipewright")).uid).not.toBe(0);
  });
});

interface ArgoWorkflow {
  spec: {
    templates: {
      name: string;
      dag?: {
        tasks: {
          template: string;
          arguments?: { parameters?: { name: string; value: unknown }[] };
        }[];
      };
      container?: {
        command?: string[];
        args?: string[];
        workingDir?: string;
        env?: { name: string; value?: unknown }[];
      };
    }[];
  };
}
