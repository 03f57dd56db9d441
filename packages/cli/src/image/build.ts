import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { bundleProject, hashJson, stateDir, writeFileAtomic } from "@pipewright/core";
import type { Metafile } from "esbuild";
import {
  IMAGE_FORMAT,
  type ImageManifest,
  imageDir,
  manifestFile,
  RACY_MS,
  WRAPPER_END,
  WRAPPER_START,
} from "./manifest.ts";
import { blankRedundantNames } from "./names.ts";
import { computedImports, fixedImportMeta, outsidePackages } from "./plugins.ts";
import { siteTableFile } from "./site-table.ts";
import { projectOnlyMap, type RawSourceMap, siteTable } from "./source-map.ts";
import { inputStamps, sourceStamps } from "./stamps.ts";

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
 * try again. Throws only when the manifest cannot be written (the CLI works the same
 * without an image).
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
    const { file, metafile, outside } = await esbuildImage(build, dir);
    const stamps = inputStamps(build.root, metafile, outside);
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
): Promise<{ file: string; metafile: Metafile; outside: Set<string> }> {
  const esbuild = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  const stub = join(dir, `entry-${process.pid}.mjs`);
  // The CLI, and the config as a module the loader imports when it loads the project (the
  // project's modules are evaluated then, as without an image: see launch.ts).
  writeFileAtomic(
    stub,
    `export { main } from ${JSON.stringify(build.mainFile)};\nexport const loadConfig = () => import(${JSON.stringify(build.configFile)});\n`,
  );
  const tmp = join(dir, `image-${process.pid}.tmp.cjs`);
  const outside = new Set<string>();
  const computed: string[] = [];
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
      plugins: [outsidePackages(outside), computedImports(computed, build.root), fixedImportMeta()],
      // Code that V8 restores from a code cache cannot run import() in Node 20 ("A dynamic
      // import callback was not specified"): every import() becomes a require.
      supported: { "dynamic-import": false },
    });
    const left = Object.values(result.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path),
    );
    if (left.length > 0) throw new Error(`import() left in the image: ${left.join(", ")}`);
    if (computed.length > 0)
      throw new Error(
        `${computed.join(", ")}: import() of a specifier computed at run time, which an image cannot hold`,
      );
    const code = blankRedundantNames(readFileSync(tmp, "utf8"));
    const id = hashJson({ v: IMAGE_FORMAT, code: hashJson(code) }).slice(0, 20);
    const file = join(dir, `image-${id}.cjs`);
    // The map is named after the image: rewrite the comment that points at it.
    const map = JSON.parse(readFileSync(`${tmp}.map`, "utf8")) as RawSourceMap;
    const cut = projectOnlyMap(map);
    writeFileAtomic(`${file}.map`, JSON.stringify(cut));
    writeFileAtomic(siteTableFile(file), JSON.stringify(siteTable(cut, `${file}.map`)));
    writeFileAtomic(
      file,
      code.replace(
        /\/\/# sourceMappingURL=\S+\s*$/,
        `//# sourceMappingURL=${file.slice(dir.length + 1)}.map\n`,
      ),
    );
    return { file, metafile: result.metafile, outside };
  } finally {
    rmSync(stub, { force: true });
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.map`, { force: true });
  }
}

/** How old a build's temporary file must be to be a killed builder's, not a running one's. */
const LEFT_BEHIND_MS = 10 * 60_000;

/**
 * Removes images other than `keep` (an earlier build's) with their maps and code caches,
 * and what a killed builder left behind (its entry and temporary files).
 */
function removeOthers(dir: string, keep: string | undefined): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const temporary = name.startsWith("entry-") || name.includes(".tmp");
    if (temporary) {
      const st = statSync(file, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > LEFT_BEHIND_MS) rmSync(file, { force: true });
      continue;
    }
    if (!name.startsWith("image-")) continue;
    if (keep && (file === keep || file.startsWith(`${keep}.`))) continue;
    rmSync(file, { force: true });
  }
}
