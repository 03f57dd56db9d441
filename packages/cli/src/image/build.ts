import { readdirSync, readFileSync, rmSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { bundleProject, hashJson, stateDir, writeFileAtomic } from "@pipewright/core";
import type { Metafile, Plugin } from "esbuild";
import {
  IMAGE_FORMAT,
  type ImageManifest,
  type ImageStamp,
  imageDir,
  manifestFile,
  RACY_MS,
  stampOf,
  WRAPPER_END,
  WRAPPER_START,
} from "./manifest.ts";
import { projectOnlyMap, type RawSourceMap } from "./source-map.ts";

/**
 * Packages bundled into the image: everything that must be one instance for the CLI and the
 * project alike (a zod schema the project makes is read by core's zod; a PipewrightError the
 * project throws is recognised by the CLI's). Other packages stay outside, imported from
 * where they are installed, as the project's ES module bundle imports them.
 */
const INSIDE = /^(?:zod|pipewright|@pipewright\/[^/]+)(?:\/|$)/;
const BUILTIN = new Set(builtinModules);
/** Resolution files: their appearance or change in a folder above a module changes imports. */
const RESOLUTION_FILES = ["package.json", "tsconfig.json", "jsconfig.json"];

export interface ImageBuild {
  root: string;
  configFile: string;
  /** The launching bin, recorded so that only it uses the image. */
  launcher: string;
  /** The CLI's main module (dist/main.js of the installed pipewright). */
  mainFile: string;
}

/**
 * Builds the project's start-up image: one CommonJS file holding the CLI, pipewright's
 * packages, zod and the project's modules, which the launcher (launch.ts) runs through
 * V8's code cache instead of Node's ES module loader (see docs/startup.md for why and for
 * what it measured). Writes the image, its source map and the manifest that says what it
 * was built from; on failure, a manifest that says why, so an unchanged project does not
 * try again. Never throws: the CLI works the same without an image.
 */
export async function buildImage(build: ImageBuild): Promise<ImageManifest> {
  const manifest = await buildOnce(build);
  // A file changed just before the build makes the image unusable (see RACY_MS): wait
  // until that change is old enough, and build once more.
  const newest = Math.max(...manifest.stamps.map((s) => s[1]));
  if (manifest.image === undefined || newest <= manifest.startedAt - RACY_MS) return manifest;
  await new Promise((done) => setTimeout(done, newest + RACY_MS + 50 - Date.now()));
  return buildOnce(build);
}

async function buildOnce(build: ImageBuild): Promise<ImageManifest> {
  const startedAt = Date.now();
  const dir = imageDir(build.root);
  const base = {
    v: IMAGE_FORMAT,
    launcher: build.launcher,
    configFile: build.configFile,
    startedAt,
  };
  let manifest: ImageManifest;
  try {
    const bundle = bundleProject(build.root, build.configFile, stateDir(build.root));
    if (!("file" in bundle)) throw new Error(bundle.fallback);
    const { file, metafile } = await esbuildImage(build, dir);
    const stamps = inputStamps(build.root, metafile);
    manifest = { ...base, image: file, projectBundle: bundle.file, stamps };
  } catch (error) {
    manifest = { ...base, failed: reason(error), stamps: sourceStamps(build.root) };
  }
  writeFileAtomic(manifestFile(build.root), JSON.stringify(manifest));
  removeOthers(dir, manifest.image);
  return manifest;
}

/** Why a build failed, in one line: esbuild's first error with its file and line. */
function reason(error: unknown): string {
  const first = (
    error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }
  ).errors?.[0];
  if (first === undefined) return (error as Error).message.split("\n")[0]!;
  return first.location
    ? `${first.location.file}:${first.location.line}: ${first.text}`
    : first.text;
}

async function esbuildImage(
  build: ImageBuild,
  dir: string,
): Promise<{ file: string; metafile: Metafile }> {
  const esbuild = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  const stub = join(dir, `entry-${process.pid}.mjs`);
  // The CLI, and the config as a module the loader imports when it loads the project (the
  // project's modules are evaluated then, as without an image: see launch.ts).
  writeFileAtomic(
    stub,
    `export { main } from ${JSON.stringify(build.mainFile)};\nexport const loadConfig = () => import(${JSON.stringify(build.configFile)});\n`,
  );
  const tmp = join(dir, `image-${process.pid}.tmp.cjs`);
  try {
    const result = await esbuild.build({
      entryPoints: [stub],
      absWorkingDir: build.root,
      bundle: true,
      outfile: tmp,
      format: "cjs",
      platform: "node",
      target: "node20",
      sourcemap: "linked",
      sourcesContent: false,
      keepNames: true,
      // Few lines, so the source map (one mapping per run of package code on a line, see
      // projectOnlyMap) stays small. Names are kept: they appear in stacks and messages.
      minifyWhitespace: true,
      // The file is the CommonJS wrapper function itself, so the launcher compiles it as it
      // is read, without copying 1.4 MB into Module.wrap's text.
      banner: { js: WRAPPER_START },
      footer: { js: WRAPPER_END },
      metafile: true,
      logLevel: "silent",
      plugins: [outsidePackages(), fixedImportMeta()],
      // Code that V8 restores from a code cache cannot run import() in Node 20 ("A dynamic
      // import callback was not specified"): every import() becomes a require.
      supported: { "dynamic-import": false },
    });
    const left = Object.values(result.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path),
    );
    if (left.length > 0) throw new Error(`import() left in the image: ${left.join(", ")}`);
    const code = readFileSync(tmp, "utf8");
    const id = hashJson({ v: IMAGE_FORMAT, code: hashJson(code) }).slice(0, 20);
    const file = join(dir, `image-${id}.cjs`);
    // The map is named after the image: rewrite the comment that points at it.
    const map = JSON.parse(readFileSync(`${tmp}.map`, "utf8")) as RawSourceMap;
    writeFileAtomic(`${file}.map`, JSON.stringify(projectOnlyMap(map)));
    writeFileAtomic(
      file,
      code.replace(
        /\/\/# sourceMappingURL=\S+\s*$/,
        `//# sourceMappingURL=${file.slice(dir.length + 1)}.map\n`,
      ),
    );
    return { file, metafile: result.metafile };
  } finally {
    rmSync(stub, { force: true });
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.map`, { force: true });
  }
}

/**
 * Leaves packages other than INSIDE where they are installed, required by absolute path
 * (resolved from the importing file, so a package nested under pipewright's own
 * node_modules is found). Every import becomes a require, dynamic ones too (see
 * esbuildImage), so each is resolved for require; a package with no CommonJS entry is
 * bundled instead, since Node before 20.19 cannot require it.
 */
function outsidePackages(): Plugin {
  return {
    name: "pipewright-outside-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "inner" || args.kind === "entry-point") return undefined;
        const bare = args.path.replace(/^node:/, "");
        if (BUILTIN.has(bare) || BUILTIN.has(bare.split("/")[0]!)) return { external: true };
        if (INSIDE.test(args.path)) return undefined;
        const found = await b.resolve(args.path, {
          kind: "require-call",
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: "inner",
        });
        if (found.errors.length > 0 || !isAbsolute(found.path) || isEsm(found.path))
          return undefined;
        return { path: found.path, external: true };
      });
    },
  };
}

/** Whether Node loads `file` as an ES module (.mjs, or .js in a "type": "module" package). */
function isEsm(file: string): boolean {
  if (file.endsWith(".mjs")) return true;
  if (file.endsWith(".cjs") || !file.endsWith(".js")) return false;
  for (let d = dirname(file); dirname(d) !== d; d = dirname(d)) {
    try {
      return (
        (JSON.parse(readFileSync(join(d, "package.json"), "utf8")) as { type?: string }).type ===
        "module"
      );
    } catch {
      // No package.json here: look further up.
    }
  }
  return false;
}

/**
 * Gives installed modules their own `import.meta` (url, dirname, filename), which a
 * CommonJS bundle does not have: pipewright's packages find their package.json, the
 * runner's worker entry and viz's page assets through it. Project modules that use
 * `import.meta` have no image (bundleProject falls back first).
 */
function fixedImportMeta(): Plugin {
  return {
    name: "pipewright-import-meta",
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta")) return undefined;
        return {
          contents: text
            .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
            .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)))
            .replaceAll("import.meta.filename", JSON.stringify(args.path)),
          loader: "js",
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/**
 * Stamps of what the image depends on: every bundled file; for the project's modules, their
 * folders (a file added there can change what an import resolves to) and the resolution
 * files in every folder above them; for each bundled package, its package.json and the
 * node_modules folders a new install would change.
 */
function inputStamps(root: string, metafile: Metafile): ImageStamp[] {
  const paths = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const file = resolve(root, input);
    if (file.includes(`${sep}.pipewright${sep}image${sep}`)) continue;
    paths.add(file);
    const inPackage = file.lastIndexOf(`${sep}node_modules${sep}`);
    if (inPackage < 0) {
      paths.add(dirname(file));
      for (let d = dirname(file); ; d = dirname(d)) {
        for (const name of RESOLUTION_FILES) paths.add(join(d, name));
        if (dirname(d) === d) break;
      }
    } else {
      const modules = file.slice(0, inPackage + sep.length + "node_modules".length);
      const rest = file.slice(modules.length + 1).split(sep);
      const pkg = join(modules, ...rest.slice(0, rest[0]!.startsWith("@") ? 2 : 1));
      paths.add(modules);
      paths.add(join(pkg, "package.json"));
      paths.add(join(pkg, "node_modules"));
    }
  }
  return [...paths].sort().map(stampOf);
}

/** Stamps of the project's source files and folders, for a failed build (see buildImage). */
function sourceStamps(root: string): ImageStamp[] {
  const out: string[] = [root];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out.push(p);
        walk(p);
      } else if (/\.[cm]?[jt]sx?$|^package\.json$|^tsconfig\.json$/.test(e.name)) out.push(p);
    }
  };
  try {
    walk(root);
  } catch {
    // Unreadable folders: the stamps taken so far still catch most edits.
  }
  return out.map(stampOf);
}

/** Removes images other than `keep` (an earlier build's), and their maps and code caches. */
function removeOthers(dir: string, keep: string | undefined): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith("image-") || name.includes(".tmp")) continue;
    const file = join(dir, name);
    if (keep && (file === keep || file.startsWith(`${keep}.`))) continue;
    rmSync(file, { force: true });
  }
}
