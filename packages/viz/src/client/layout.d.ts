import type { ContainerLayout, ViewLayout, ViewState, VizData } from "../model/types.ts";

/** Lays out the view of `data` for `state`, reusing and filling `cache`. See layout.js. */
export function layoutView(
  dagre: unknown,
  data: VizData,
  state: ViewState,
  cache: Map<string, ContainerLayout>,
): ViewLayout;
