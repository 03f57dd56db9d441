// The start-up image's esbuild plugins: which installed packages go into the image and
// which stay outside, required by path (packages/cli/src/image/plugins.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { fixedImportMeta, outsidePackages } from "../src/image/plugins.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pw-image-plugins-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** A CommonJS package whose export names itself, so a test sees which copy ran. */
function cjsPackage(name: string): void {
  write(`node_modules/${name}/package.json`, JSON.stringify({ name, main: "index.js" }));
  write(
    `node_modules/${name}/index.js`,
    `module.exports = (v) => ${JSON.stringify(name)} + ":" + v;\n`,
  );
}

describe("the image's packages (outsidePackages, fixedImportMeta)", () => {
  test("picocolors and object-hash are bundled, object-hash through core's createRequire too; other CommonJS packages stay outside", async () => {
    for (const name of ["picocolors", "object-hash", "other-cjs"]) cjsPackage(name);
    write(
      "node_modules/@pipewright/core/package.json",
      '{ "name": "@pipewright/core", "type": "module" }',
    );
    // As esbuild writes core's dist: createRequire renamed, called with import.meta.url.
    write(
      "node_modules/@pipewright/core/index.js",
      [
        'import { createRequire as createRequire4 } from "node:module";',
        'import colours from "picocolors";',
        'import other from "other-cjs";',
        'export const hash = (v) => createRequire4(import.meta.url)("object-hash")(v);',
        "export const paint = (v) => colours(v);",
        "export const outside = (v) => other(v);",
      ].join("\n"),
    );
    write("entry.mjs", 'export * from "@pipewright/core";\n');
    const esbuild = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
    const outside = new Set<string>();
    const result = await esbuild.build({
      entryPoints: [join(root, "entry.mjs")],
      absWorkingDir: root,
      bundle: true,
      outfile: join(root, "out.cjs"),
      format: "cjs",
      platform: "node",
      metafile: true,
      logLevel: "silent",
      plugins: [outsidePackages(outside), fixedImportMeta()],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain("node_modules/object-hash/index.js");
    expect(inputs).toContain("node_modules/picocolors/index.js");
    expect(inputs).not.toContain("node_modules/other-cjs/index.js");
    expect([...outside]).toEqual([join(root, "node_modules/other-cjs/index.js")]);
    const image = createRequire(import.meta.url)(join(root, "out.cjs")) as Record<
      string,
      (v: string) => string
    >;
    expect(image.hash!("v")).toBe("object-hash:v");
    expect(image.paint!("v")).toBe("picocolors:v");
    expect(image.outside!("v")).toBe("other-cjs:v");
  });
});
