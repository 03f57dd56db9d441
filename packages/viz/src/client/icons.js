// Icons as SVG symbols, drawn with strokes in currentColor so CSS colours them.

export const ICONS = `
<symbol id="i-node" viewBox="0 0 16 16"><path d="M10.8 2.6c-1.7-.5-2.9.3-3.2 2l-1.3 7c-.3 1.7-1.4 2.4-3 1.9M4.6 6.5h6.2"/></symbol>
<symbol id="i-dataset" viewBox="0 0 16 16"><ellipse cx="8" cy="3.8" rx="5.6" ry="2"/><path d="M2.4 3.8v8.4c0 1.1 2.5 2 5.6 2s5.6-.9 5.6-2V3.8M2.4 8c0 1.1 2.5 2 5.6 2s5.6-.9 5.6-2"/></symbol>
<symbol id="i-metrics" viewBox="0 0 16 16"><path d="M2.5 13.5h11M4.5 13.5V9M8 13.5V4.5M11.5 13.5V7"/></symbol>
<symbol id="i-param" viewBox="0 0 16 16"><path d="M2.5 5h11M2.5 11h11"/><circle cx="6" cy="5" r="1.7"/><circle cx="10.5" cy="11" r="1.7"/></symbol>
<symbol id="i-group" viewBox="0 0 16 16"><rect x="2.5" y="5.5" width="8" height="8" rx="1.6"/><path d="M5.5 3h6.3c.9 0 1.7.8 1.7 1.7V11"/></symbol>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M1 1.5L9 5L1 8.5z" class="arrow"/></marker>
<marker id="arrow-lit" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M1 1.5L9 5L1 8.5z" class="arrow lit"/></marker>`;

export const ICON_OF = {
  node: "i-node",
  dataset: "i-dataset",
  metrics: "i-metrics",
  param: "i-param",
};
