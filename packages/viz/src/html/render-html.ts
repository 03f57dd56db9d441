import type { Plan } from "@pipewright/core";
import { buildModel } from "../model/build-model.ts";
import type { RunOverlay } from "../model/run.ts";
import type { VizData } from "../model/types.ts";
import { pageAssets } from "./assets.ts";
import { jsonForScript } from "./escape.ts";
import { firstLayout } from "./first-layout.ts";
import { pageHtml } from "./page.ts";

export interface HtmlOptions {
  /** A run record (or its subset) to colour nodes by status and show durations and metrics. */
  run?: RunOverlay;
  /** The page title; default "<pipeline> · pipewright". */
  title?: string;
}

/**
 * Renders a plan as one self-contained HTML page: inline script and styles, no network,
 * opens from disk. The first view's layout is computed here, so a large page draws at
 * once; the browser re-lays only what collapsing, filtering or parameters change.
 *
 * @example
 * writeFileSync("pipeline.html", renderHtml(plan, { run: latestRun }));
 */
export function renderHtml(plan: Plan, options: HtmlOptions = {}): string {
  // "__default__" is the name a project's main pipeline gets; say it in words.
  const name = plan.pipeline === "__default__" ? "default pipeline" : plan.pipeline;
  const title = options.title ?? `${name} · pipewright`;
  const model = buildModel(plan, { run: options.run, title });
  const data: VizData = { ...model, layout: {} };
  data.layout = firstLayout(data);
  const assets = pageAssets();
  return pageHtml({
    title,
    heading: options.title ?? name,
    dataJson: jsonForScript(data),
    ...assets,
  });
}
