import { fitText, prettyName, textWidth } from "./text-width.ts";
import type { VertexKind } from "./types.ts";

// Geometry shared with client/draw.js: paddings, icon slots and font sizes.
export const LABEL_PX = 12.5;
const MAX_LABEL = 280;
const SHAPE: Record<VertexKind, { h: number; left: number; right: number; min: number }> = {
  node: { h: 38, left: 40, right: 16, min: 120 },
  dataset: { h: 30, left: 34, right: 16, min: 96 },
  metrics: { h: 30, left: 34, right: 16, min: 96 },
  param: { h: 26, left: 30, right: 14, min: 80 },
};
/** Room for the run duration badge on nodes. */
const RUN_BADGE = 52;

/** The raw and pretty label as drawn (cut to fit), and the box size that holds either. */
export function vertexBox(kind: VertexKind, label: string, withRun: boolean) {
  const text = fitText(label, LABEL_PX, MAX_LABEL);
  const pretty = fitText(prettyName(label) || label, LABEL_PX, MAX_LABEL);
  const shape = SHAPE[kind];
  const textW = Math.max(textWidth(text, LABEL_PX), textWidth(pretty, LABEL_PX));
  const badge = withRun && kind === "node" ? RUN_BADGE : 0;
  return {
    text,
    pretty,
    w: Math.max(shape.min, shape.left + textW + shape.right + badge),
    h: shape.h,
  };
}

/** Sizes of a namespace: the collapsed card, and the header an expanded box needs. */
export function groupBox(label: string, counts: string) {
  const title = textWidth(label, 13.5) * 1.08; // bold
  const sub = textWidth(counts, 11.5);
  return {
    w: Math.ceil(Math.max(170, 48 + Math.max(title, sub) + 20)),
    h: 54,
    headerW: Math.ceil(44 + title + 16 + sub + 16),
  };
}
