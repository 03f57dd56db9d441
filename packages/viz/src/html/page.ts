import { escapeHtml } from "./escape.ts";

const LOGO =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><circle cx="5" cy="6" r="2.4"/><circle cx="5" cy="18" r="2.4"/><circle cx="19" cy="12" r="2.4"/><path d="M7.4 6.4c4.6.4 4.6 5.2 9.2 5.6M7.4 17.6c4.6-.4 4.6-5.2 9.2-5.6"/></svg>';
const SEARCH =
  '<svg viewBox="0 0 24 24"><circle cx="11" cy="11" r="7"/><path d="M20 20l-3.5-3.5"/></svg>';
const THEME =
  '<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="8"/><path d="M12 4a8 8 0 0 0 0 16z" fill="currentColor"/></svg>';

// No network, ever: everything is inline, and the policy forbids loading anything else.
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'";

export interface PageParts {
  title: string;
  heading: string;
  dataJson: string;
  style: string;
  dagre: string;
  script: string;
}

/** The page skeleton; the client script fills in the drawing, sidebar and panel. */
export function pageHtml(p: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="generator" content="pipewright viz">
<title>${escapeHtml(p.title)}</title>
<style>
${p.style}
</style>
</head>
<body>
<div id="app">
<header id="topbar">
  <div class="brand">${LOGO}<span>pipewright</span></div>
  <div class="title-block"><h1 id="pipeline-title">${escapeHtml(p.heading)}</h1><div id="stats"></div></div>
  <div class="search-wrap">${SEARCH}<input id="search" type="search" placeholder="Search nodes and datasets   ( / )" autocomplete="off" spellcheck="false" aria-label="Search"><div id="search-results" hidden></div></div>
  <div id="run-summary"></div>
  <button id="theme" class="icon-btn" title="Light or dark" aria-label="Toggle dark mode">${THEME}</button>
</header>
<aside id="sidebar">
  <section><h3>Tags <button id="tags-clear" class="link-btn" hidden>clear</button></h3><div id="tags" class="chips"></div></section>
  <section><h3>Namespaces <span class="h-actions"><button id="expand-all">expand all</button><button id="collapse-all">collapse all</button></span></h3><div id="tree"></div></section>
  <section><h3>View</h3>
    <label class="switch"><input type="checkbox" id="pretty"> Pretty names</label>
    <label class="switch"><input type="checkbox" id="show-params"> Show parameters</label>
  </section>
  <section id="legend"></section>
</aside>
<main id="stage">
  <svg id="canvas" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Pipeline graph"><defs></defs><g id="viewport"></g></svg>
  <div id="zoom"><button data-zoom="out" title="Zoom out">−</button><span id="zoom-level"></span><button data-zoom="in" title="Zoom in">+</button><button data-zoom="fit" title="Fit (f)">⤢</button></div>
  <div id="busy" hidden>Laying out…</div>
  <div id="toast" role="alert" hidden></div>
  <div id="tip" hidden></div>
</main>
<aside id="panel" hidden></aside>
</div>
<script type="application/json" id="pw-data">${p.dataJson}</script>
<script>
${p.dagre}
</script>
<script>
${p.script}
</script>
</body>
</html>
`;
}
