import { pathToFileURL } from "node:url";
import { bundleProject, ErrorCode, PipewrightError, stateDir } from "@pipewright/core";
import { IMAGE_PROJECT, type ImageProject } from "./image/manifest.ts";

const TSX = Symbol.for("pipewright.tsx-registered");

/** Registers tsx's loader once, for projects loaded from their TypeScript sources. */
export async function ensureTsx(): Promise<void> {
  const g = globalThis as { [TSX]?: boolean };
  if (g[TSX]) return;
  const { register } = await import("tsx/esm/api");
  register();
  g[TSX] = true;
}

/** How the project was loaded, for `--verbose` and the tests. */
export interface LoadedModule {
  module: unknown;
  /** The file imported: the bundle, or the config itself. */
  file: string;
  /** Why the sources were loaded through tsx instead of a bundle; undefined for a bundle. */
  fallback?: string;
}

/**
 * Imports the project's config. Normally from a bundle of the whole project (see core's
 * bundleProject) imported by plain Node, with source maps on so that stack traces and node
 * locations name the original .ts files: no TypeScript loader starts, and an unchanged
 * project reuses its bundle without running esbuild. From the sources through tsx when a
 * bundle could behave differently, or when PIPEWRIGHT_LOADER=tsx.
 */
export async function importConfig(configFile: string, root: string): Promise<LoadedModule> {
  // Started from the project's image (see image/launch.ts), which holds the config; the
  // workers of --parallel import the ES module bundle it was built beside.
  const image = (globalThis as { [IMAGE_PROJECT]?: ImageProject })[IMAGE_PROJECT];
  if (image?.configFile === configFile) {
    process.setSourceMapsEnabled(true);
    return { module: await image.load(), file: image.projectBundle };
  }
  // In an image, import() has become require (see image/build.ts): another project's
  // config cannot be loaded from it. The launcher finds the config main() will, so this
  // is a bug, said as one.
  if (image)
    throw new PipewrightError(
      ErrorCode.INTERNAL,
      `started from the start-up image of ${image.configFile}, but the command loads ${configFile}. Run it with PIPEWRIGHT_IMAGE=off, and report this.`,
    );
  let fallback = "PIPEWRIGHT_LOADER=tsx";
  if (process.env.PIPEWRIGHT_LOADER !== "tsx") {
    let bundle: ReturnType<typeof bundleProject> | undefined;
    try {
      bundle = bundleProject(root, configFile, stateDir(root));
    } catch (error) {
      // An import esbuild cannot resolve: load from source, where the real error shows.
      fallback = `the project could not be bundled: ${(error as Error).message}`;
    }
    if (bundle && "file" in bundle) {
      process.setSourceMapsEnabled(true);
      return { module: await import(pathToFileURL(bundle.file).href), file: bundle.file };
    }
    if (bundle) fallback = bundle.fallback;
  }
  await ensureTsx();
  return { module: await import(pathToFileURL(configFile).href), file: configFile, fallback };
}
