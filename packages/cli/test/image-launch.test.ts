import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { buildAfter, cacheFiles, launch } from "../src/image/launch.ts";
import {
  IMAGE_FORMAT,
  IMAGE_PROJECT,
  type ImageManifest,
  type ImageProject,
  manifestFile,
  stampOf,
  WRAPPER_END,
  WRAPPER_START,
} from "../src/image/manifest.ts";

// The launcher with a hand-written image (no esbuild): what it runs, what it writes, and
// when it starts the ordinary way instead. The packaging e2e test runs real images.
const LAUNCHER = "/installed/pipewright/bin/pipewright.cjs";
let root: string;
let config: string;
let image: string;

/** An image whose main() returns 7 (or throws as it is evaluated, when `broken`). */
function writeImage(broken = false): void {
  const body = broken
    ? 'throw new Error("broken image");'
    : "exports.main = async (argv) => { globalThis.__pwArgv = argv; return 7; };\nexports.loadConfig = async () => ({ default: { pipelines: {} } });";
  writeFileSync(image, `${WRAPPER_START}\n${body}${WRAPPER_END}\n`);
  const manifest: ImageManifest = {
    v: IMAGE_FORMAT,
    launcher: LAUNCHER,
    configFile: config,
    image,
    projectBundle: join(root, ".pipewright", "build", "project.mjs"),
    startedAt: Date.now(),
    stamps: [stampOf(config)],
  };
  writeFileSync(manifestFile(root), JSON.stringify(manifest));
}

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "pw-image-launch-")));
  config = join(root, "pipewright.config.ts");
  writeFileSync(config, "export default {};\n");
  const old = Date.now() / 1000 - 60;
  utimesSync(config, old, old);
  mkdirSync(join(root, ".pipewright", "image"), { recursive: true });
  mkdirSync(join(root, ".pipewright", "build"), { recursive: true });
  writeFileSync(join(root, ".pipewright", "build", "project.mjs"), "export {};\n");
  image = join(root, ".pipewright", "image", `image-${"0".repeat(20)}.cjs`);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the start-up image's launcher", () => {
  test("runs main() from a current image, hands the loader the project, and writes a code cache per command", async () => {
    writeImage();
    expect(await launch(["--cwd", root, "ls"], LAUNCHER)).toEqual({ code: 7 });
    const project = (globalThis as { [IMAGE_PROJECT]?: ImageProject })[IMAGE_PROJECT]!;
    expect(project.configFile).toBe(config);
    expect(project.projectBundle).toBe(join(root, ".pipewright", "build", "project.mjs"));
    expect(await project.load()).toEqual({ default: { pipelines: {} } });
    expect(existsSync(`${image}.ls.cache`)).toBe(true);
    // Another command starts from ls's cache and then has its own.
    expect(existsSync(`${image}.status.cache`)).toBe(false);
    expect(await launch(["status", "--cwd", root], LAUNCHER)).toEqual({ code: 7 });
    expect(existsSync(`${image}.status.cache`)).toBe(true);
    expect((globalThis as { __pwArgv?: string[] }).__pwArgv).toEqual(["status", "--cwd", root]);
  });

  test("a command without its own code cache starts from compile's, then ls's", () => {
    expect(cacheFiles("/p/image-x.cjs", "run-node")).toEqual([
      "/p/image-x.cjs.run-node.cache",
      "/p/image-x.cjs.compile.cache",
      "/p/image-x.cjs.ls.cache",
    ]);
    expect(cacheFiles("/p/image-x.cjs", "compile")).toEqual([
      "/p/image-x.cjs.compile.cache",
      "/p/image-x.cjs.ls.cache",
    ]);
    expect(cacheFiles("/p/image-x.cjs", "ls")).toEqual([
      "/p/image-x.cjs.ls.cache",
      "/p/image-x.cjs.compile.cache",
    ]);
  });

  test("the last --cwd names the project, as main() reads it", async () => {
    writeImage();
    const elsewhere = mkdtempSync(join(tmpdir(), "pw-image-launch-other-"));
    try {
      expect(await launch(["--cwd", root, "ls", "--cwd", elsewhere], LAUNCHER)).toEqual({
        why: "no pipewright.config.* here or above",
      });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test("a stale or missing image starts the ordinary way and asks for a build", async () => {
    writeImage();
    writeFileSync(config, "export default { changed: true };\n");
    const stale = await launch(["--cwd", root, "ls"], LAUNCHER);
    expect(stale.code).toBeUndefined();
    expect(stale.why).toBe(`${config} changed`);
    expect(stale.build).toEqual({ root, configFile: config });
    const old = Date.now() / 1000 - 30;
    utimesSync(config, old, old);
    writeImage();
    rmSync(image);
    expect(await launch(["--cwd", root, "ls"], LAUNCHER)).toEqual({
      why: `${image} is gone`,
      build: { root, configFile: config },
    });
  });

  test("an image that fails to evaluate is marked failed, not tried again, and asks for no build", async () => {
    writeImage(true);
    expect(await launch(["--cwd", root, "ls"], LAUNCHER)).toEqual({
      why: `${image} failed to start`,
    });
    const manifest = JSON.parse(readFileSync(manifestFile(root), "utf8")) as ImageManifest;
    expect(manifest.image).toBeUndefined();
    expect(manifest.failed).toBe(`${image} failed to start`);
    expect(await launch(["--cwd", root, "ls"], LAUNCHER)).toEqual({
      why: `the project has no image: ${image} failed to start`,
    });
  });

  test("commands that load no project, another launcher, and PIPEWRIGHT_IMAGE=off start the ordinary way", async () => {
    writeImage();
    expect((await launch(["--cwd", root, "init"], LAUNCHER)).why).toMatch(/^init: only /);
    expect((await launch(["--cwd", root, "ls"], "/other/bin.js")).why).toMatch(
      /another pipewright/,
    );
    process.env.PIPEWRIGHT_IMAGE = "off";
    try {
      expect(await launch(["--cwd", root, "ls"], LAUNCHER)).toEqual({ why: "turned off" });
    } finally {
      delete process.env.PIPEWRIGHT_IMAGE;
    }
  });
});

describe("building an image after an ordinary start (buildAfter)", () => {
  /** A stand-in builder: records its arguments, then releases the lock it was given. */
  function fakeBuilder(): { script: string; log: string } {
    const script = join(root, "builder.mjs");
    const log = join(root, "builder.log");
    writeFileSync(
      script,
      `import { appendFileSync, readFileSync, rmSync } from "node:fs";
const [rootDir, configFile, launcher, lock, token] = process.argv.slice(2);
appendFileSync(${JSON.stringify(log)}, JSON.stringify({ rootDir, configFile, launcher, token }) + "\\n");
if (readFileSync(lock, "utf8") === token) rmSync(lock);
`,
    );
    return { script, log };
  }
  const lock = () => join(root, ".pipewright", "image", "build.lock");

  test("one builder at a time: a fresh lock means a build is running; a stale one is taken over", async () => {
    const { script, log } = fakeBuilder();
    process.env.PIPEWRIGHT_IMAGE = "sync";
    try {
      writeFileSync(lock(), "someone-else");
      await buildAfter({ root, configFile: config }, LAUNCHER, script);
      expect(existsSync(log)).toBe(false);
      const old = Date.now() / 1000 - 600;
      utimesSync(lock(), old, old);
      await buildAfter({ root, configFile: config }, LAUNCHER, script);
      const runs = readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(runs).toEqual([
        { rootDir: root, configFile: config, launcher: LAUNCHER, token: expect.any(String) },
      ]);
      // The builder released the lock it was given.
      expect(existsSync(lock())).toBe(false);
    } finally {
      delete process.env.PIPEWRIGHT_IMAGE;
    }
  });

  test("without sync, the builder is started detached, in the background", async () => {
    const { script, log } = fakeBuilder();
    await buildAfter({ root, configFile: config }, LAUNCHER, script);
    for (let i = 0; i < 200 && !existsSync(log); i++) await new Promise((r) => setTimeout(r, 50));
    expect(JSON.parse(readFileSync(log, "utf8")).configFile).toBe(config);
  });
});
