import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CLIENT = join(dirname(fileURLToPath(import.meta.url)), "..", "client");
const IMPORT = /^import \{[^}]*\} from "\.\/([a-z-]+)\.js";\n/gm;

let cached: { script: string; style: string; dagre: string } | undefined;

/**
 * The page's inline assets: the client modules joined into one script, the stylesheet,
 * and dagre's browser bundle with its licence. The client is plain browser JavaScript
 * written as ES modules (so Node can import the layout code too); for the page, the
 * relative imports are dropped and the modules, each after those it imports, share one
 * function scope.
 */
export function pageAssets(): { script: string; style: string; dagre: string } {
  if (cached) return cached;
  const parts = moduleOrder("main").map((name) => {
    const body = readClient(name)
      .replace(IMPORT, "")
      .replace(/^export (function|const|let|class) /gm, "$1 ");
    if (/^\s*(import|export)\b/m.test(body)) {
      throw new Error(`client/${name}.js: unsupported import/export form for the page bundle`);
    }
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

function readClient(name: string): string {
  return readFileSync(join(CLIENT, `${name}.js`), "utf8");
}

/** The client modules reachable from `entry`, each listed after the modules it imports. */
function moduleOrder(entry: string): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const m of readClient(name).matchAll(IMPORT)) visit(m[1]!);
    order.push(name);
  };
  visit(entry);
  return order;
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
