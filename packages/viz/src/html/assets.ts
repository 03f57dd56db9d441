import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CLIENT = join(dirname(fileURLToPath(import.meta.url)), "..", "client");
/** Client modules in dependency order: each may use what the ones before it export. */
const MODULES = [
  "util",
  "icons",
  "visible",
  "layout",
  "draw",
  "viewport",
  "lineage",
  "schema",
  "panel",
  "sidebar",
  "main",
];
const IMPORT_LINE = /^import \{[^}]*\} from "\.\/[a-z-]+\.js";\n/gm;

let cached: { script: string; style: string; dagre: string } | undefined;

/**
 * The page's inline assets: the client modules joined into one script, the stylesheet,
 * and dagre's browser bundle with its licence. The client is plain browser JavaScript
 * written as ES modules (so Node can import the layout code too); for the page, the
 * relative imports are dropped and the modules share one function scope.
 */
export function pageAssets(): { script: string; style: string; dagre: string } {
  if (cached) return cached;
  const parts = MODULES.map((name) => {
    const source = readFileSync(join(CLIENT, `${name}.js`), "utf8");
    const body = source
      .replace(IMPORT_LINE, "")
      .replace(/^export (function|const|let|class) /gm, "$1 ");
    if (/^\s*(import|export)\b/m.test(body))
      throw new Error(`client/${name}.js: unsupported import/export form for the page bundle`);
    return `// client/${name}.js\n${body}`;
  });
  const script = `(() => {\n"use strict";\n${parts.join("\n")}\n})();`;
  const style = readFileSync(join(CLIENT, "style.css"), "utf8");
  cached = {
    script: safeInScript(script),
    style: style.replace(/<\/style/gi, "<\\/style"),
    dagre: safeInScript(dagreBundle()),
  };
  return cached;
}

function dagreBundle(): string {
  // The package's exports map hides dist/, so go from its resolved entry point.
  const entry = createRequire(import.meta.url).resolve("@dagrejs/dagre");
  const dist = dirname(entry);
  const licence = readFileSync(join(dist, "dagre.min.js.LEGAL.txt"), "utf8").trim();
  const code = readFileSync(join(dist, "dagre.min.js"), "utf8").replace(
    /^\/\/[#@] sourceMappingURL=.*$/gm,
    "",
  );
  return `/*! @dagrejs/dagre (MIT), inlined so the page needs no network.\n${licence.replace(/\*\//g, "* /")}\n*/\n${code}`;
}

/** Script text that cannot end its <script> element early. */
function safeInScript(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}
