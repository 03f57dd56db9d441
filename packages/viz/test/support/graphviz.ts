import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

/** Graphviz's `dot` from Debian (`apt-get install -y graphviz`, see .ci/run). */
export const DOT = process.env.PIPEWRIGHT_DOT ?? "/usr/bin/dot";

interface DotGraph {
  nodes(): string[];
  edges(): { v: string; w: string }[];
  node(id: string): Record<string, string>;
  parent(id: string): string | undefined;
  graph(): Record<string, string>;
}
// graphlib-dot is CommonJS without types.
const graphlibDot = createRequire(import.meta.url)("@dagrejs/graphlib-dot") as {
  read(text: string): DotGraph;
};

/** Parses DOT with @dagrejs/graphlib-dot (throws on a syntax error). */
export function parseDot(text: string): DotGraph {
  return graphlibDot.read(text);
}

/**
 * Lays DOT out with Graphviz and returns its SVG; throws with dot's message on an error.
 * A missing Graphviz fails the test rather than skipping it.
 */
export function graphvizSvg(text: string): string {
  if (!existsSync(DOT))
    throw new Error(
      `Graphviz not found at ${DOT}: install it with \`apt-get install -y graphviz\`.`,
    );
  return execFileSync(DOT, ["-Tsvg"], {
    input: text,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}
