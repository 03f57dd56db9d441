import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, isAbsolute, join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";

/**
 * Packages bundled into the image: everything that must be one instance for the CLI and the
 * project alike (a zod schema the project makes is read by core's zod; a PipewrightError the
 * project throws is recognised by the CLI's). Other installed packages stay outside.
 */
const INSIDE = /^(?:zod|pipewright|@pipewright\/[^/]+)(?:\/|$)/;
/**
 * Small CommonJS packages that pipewright's own packages load (the CLI's colours, on most
 * starts; object-hash, for a param value of a kind YAML cannot give), also bundled: their
 * code then comes from the image's code cache, where each cost ~1.5 ms from outside
 * (resolve, read, compile, and first calls compiled lazily). pipewright loads object-hash
 * through createRequire, which esbuild cannot follow: fixedImportMeta makes that call a
 * require.
 */
const CACHED = ["picocolors", "object-hash"];
const CACHED_PACKAGE = new RegExp(`^(?:${CACHED.join("|")})(?:/|$)`);
/** `createRequire(import.meta.url)("<a CACHED package>")` as esbuild writes it in our dist. */
const CREATE_REQUIRE_CACHED = new RegExp(
  `\\bcreateRequire\\d*\\(import\\.meta\\.url\\)\\(("(?:${CACHED.join("|")})")\\)`,
  "g",
);
const BUILTIN = new Set(builtinModules);
/** Files Node's require loads as they are: an outside package must resolve to one. */
const REQUIRABLE = /\.(?:c?js|json|node)$/;
const IN_NODE_MODULES = `${sep}node_modules${sep}`;

/**
 * Leaves installed packages other than INSIDE where they are, required by absolute path
 * (resolved from the importing file, so a package nested under pipewright's own
 * node_modules is found), and records each such file in `outside` for the image's stamps.
 * Every import becomes a require, dynamic ones too (see build.ts), so each is resolved for
 * require. Bundled instead: anything not in a node_modules folder (a package.json
 * "imports" or tsconfig "paths" alias, a workspace package linked as TypeScript: project
 * code), and a package with no CommonJS entry, which Node before 20.19 cannot require.
 */
export function outsidePackages(outside: Set<string>): Plugin {
  return {
    name: "pipewright-outside-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "inner" || args.kind === "entry-point") return undefined;
        const bare = args.path.replace(/^node:/, "");
        if (BUILTIN.has(bare) || BUILTIN.has(bare.split("/")[0]!)) return { external: true };
        if (INSIDE.test(args.path) || CACHED_PACKAGE.test(args.path)) return undefined;
        const found = await b.resolve(args.path, {
          kind: "require-call",
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: "inner",
        });
        const path = found.path;
        if (found.errors.length > 0 || !isAbsolute(path) || !path.includes(IN_NODE_MODULES))
          return undefined;
        if (!REQUIRABLE.test(path) || isEsm(path)) return undefined;
        outside.add(path);
        return { path, external: true };
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
 * `import.meta` have no image (bundleProject falls back first). In pipewright's own
 * modules, a createRequire of a CACHED package becomes a require, which esbuild bundles.
 */
export function fixedImportMeta(): Plugin {
  return {
    name: "pipewright-import-meta",
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, (args) => {
        let text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta")) return undefined;
        if (OURS.test(args.path)) text = text.replace(CREATE_REQUIRE_CACHED, "require($1)");
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
 * `import(` followed by an argument that is not a string literal (or a template without
 * substitutions); `import()` with none is a comment's (zod has one).
 */
const COMPUTED_IMPORT = /\bimport\s*\(\s*(?!["')]|`[^`$]*`)/;
/** The 1-based line of the first computed `import()` in `text`, if any. */
export function computedImportLine(text: string): number | undefined {
  const at = COMPUTED_IMPORT.exec(text);
  return at ? text.slice(0, at.index).split("\n").length : undefined;
}

/** pipewright's own modules: their computed import()s are never reached in an image. */
const OURS = /[\\/]node_modules[\\/](?:pipewright|@pipewright[\\/][^\\/]+)[\\/]/;

/**
 * Finds `import()` of a specifier computed at run time (a plugin path, say) in the
 * project's modules and bundled packages: esbuild cannot bundle what it names, and in the
 * image it would become a require, which cannot load an ES module or a .ts file. Each is
 * recorded in `found` ("file:line"), and the image is not built (see build.ts). A match
 * in a comment costs the image, never a wrong result.
 */
export function computedImports(found: string[], root: string): Plugin {
  return {
    name: "pipewright-computed-imports",
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        if (OURS.test(args.path)) return undefined;
        const line = computedImportLine(readFileSync(args.path, "utf8"));
        if (line !== undefined) {
          const file = args.path.startsWith(root + sep)
            ? args.path.slice(root.length + 1)
            : args.path;
          found.push(`${file}:${line}`);
        }
        return undefined;
      });
    },
  };
}
