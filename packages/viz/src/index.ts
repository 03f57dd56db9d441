export { type HtmlOptions, renderHtml } from "./html/render-html.ts";
export type { RunOverlay } from "./model/run.ts";
export { type ServeOptions, serveViz, type VizServer } from "./serve.ts";
export { renderDot } from "./text/dot.ts";
export { renderMermaid } from "./text/mermaid.ts";
