// Icons as SVG symbols, drawn with strokes in currentColor so CSS colours them.

// Icon shapes as single path strings in a 16×16 box: drawn as one <path> per box,
// which is far cheaper than <use> (a shadow tree each) on a page of thousands.
export const ICON_PATHS = {
  node: "M10.8 2.6c-1.7-.5-2.9.3-3.2 2l-1.3 7c-.3 1.7-1.4 2.4-3 1.9M4.6 6.5h6.2",
  dataset:
    "M2.4 3.8a5.6 2 0 1 0 11.2 0a5.6 2 0 1 0-11.2 0v8.4c0 1.1 2.5 2 5.6 2s5.6-.9 5.6-2V3.8M2.4 8c0 1.1 2.5 2 5.6 2s5.6-.9 5.6-2",
  metrics: "M2.5 13.5h11M4.5 13.5V9M8 13.5V4.5M11.5 13.5V7",
  param:
    "M2.5 5h1.8M7.7 5h5.8M2.5 11h6.3M12.2 11h1.3M7.7 5a1.7 1.7 0 1 1-3.4 0a1.7 1.7 0 1 1 3.4 0M12.2 11a1.7 1.7 0 1 1-3.4 0a1.7 1.7 0 1 1 3.4 0",
  group:
    "M4.1 5.5h4.8c.9 0 1.6.7 1.6 1.6v4.8c0 .9-.7 1.6-1.6 1.6H4.1c-.9 0-1.6-.7-1.6-1.6V7.1c0-.9.7-1.6 1.6-1.6M5.5 3h6.3c.9 0 1.7.8 1.7 1.7V11",
};

/** Symbols for the sidebar and panel (few of them), and the arrowheads. */
export const ICONS = `${Object.entries(ICON_PATHS)
  .map(([k, d]) => `<symbol id="i-${k}" viewBox="0 0 16 16"><path d="${d}"/></symbol>`)
  .join("")}
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M1 1.5L9 5L1 8.5z" class="arrow"/></marker>
<marker id="arrow-lit" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M1 1.5L9 5L1 8.5z" class="arrow lit"/></marker>`;

export const ICON_OF = {
  node: "i-node",
  dataset: "i-dataset",
  metrics: "i-metrics",
  param: "i-param",
};
