import type { ViewState, Visible, VizData } from "../model/types.ts";

export function visibleGraph(data: VizData, state: ViewState): Visible;
export function filterSignature(state: ViewState): string;
