import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE as SHARED_HOSTILE } from "../../../test/support/hostile.ts";
import { renderDot, renderHtml, renderMermaid, serveViz } from "../src/index.ts";
import type { RunOverlay } from "../src/model/run.ts";
import {
  HOSTILE,
  hostileMapPlan,
  hostilePlan,
  largePlan,
  mapPlan,
  spaceflightsPlan,
} from "./fixtures.ts";
import { type Browser, launchBrowser } from "./support/browser.ts";
import { openFromDisk, screenshot } from "./support/page.ts";

// One browser for the file; a missing Chromium fails here, it never skips.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const plan = spaceflightsPlan();
const ids = (page: Page, kind: string) =>
  page.$$eval(`#viewport [data-kind="${kind}"]`, (els) =>
    els.map((e) => e.getAttribute("data-id")),
  );
/** `read()` once two reads 300 ms apart agree: the page has stopped redrawing. */
async function settled<T>(read: () => Promise<T>): Promise<T> {
  let last = JSON.stringify(await read());
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const value = await read();
    if (JSON.stringify(value) === last) return value;
    last = JSON.stringify(value);
  }
  throw new Error("the page kept redrawing");
}
const node = (id: string) => `#viewport [data-kind="node"][data-id="${id}"]`;

describe("the page, opened from disk", () => {
  it("draws every node and dataset without a console error or a request", async () => {
    const { page, errors } = await openFromDisk(browser, "spaceflights", renderHtml(plan));
    expect((await ids(page, "node")).sort()).toEqual(plan.nodes.map((n) => n.id).sort());
    const datasets = [...(await ids(page, "dataset")), ...(await ids(page, "metrics"))];
    expect(datasets.sort()).toEqual(plan.datasets.map((d) => d.id).sort());
    expect(await page.$$eval("#viewport .grp", (els) => els.length)).toBe(4);
    // Every box is on screen after the initial fit.
    const inView = await page.$$eval("#viewport .v", (els) =>
      els.every((e) => {
        const r = e.getBoundingClientRect();
        return (
          r.width > 0 &&
          r.left >= 0 &&
          r.right <= (globalThis as any).innerWidth &&
          r.top >= 0 &&
          r.bottom <= (globalThis as any).innerHeight
        );
      }),
    );
    expect(inView).toBe(true);
    expect(await page.textContent("#stats")).toBe("9 nodes · 18 datasets · 4 namespaces");
    await screenshot(page, "spaceflights");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a node's panel with its inputs, schemas, params and declared location", async () => {
    const { page, errors } = await openFromDisk(browser, "panel", renderHtml(plan));
    await page.click(node("data_science.active.split_data"));
    const panel = page.locator("#panel");
    await expect.poll(() => panel.isVisible()).toBe(true);
    const text = (await panel.textContent()) ?? "";
    expect(text).toContain("split_data");
    expect(text).toMatch(/Inputs\s*1/);
    expect(text).toContain("model_input_table");
    expect(text).toContain("Table · 4 columns");
    expect(text).toContain("company_rating");
    expect(text).toContain("data_science.active.model_options.test_size");
    expect(text).toContain("0.2");
    expect(text).toMatch(/fixtures\.ts:\d+/);
    expect(text).toContain("training");
    // Upstream and downstream light up; the rest dims.
    expect(await page.$eval("#canvas", (s) => s.classList.contains("focus"))).toBe(true);
    expect(await page.$$eval("#viewport .e.lit", (els) => els.length)).toBeGreaterThan(5);
    expect(
      await page.$eval(node("data_science.candidate.split_data"), (e) =>
        e.classList.contains("lit"),
      ),
    ).toBe(false);
    await screenshot(page, "panel");
    // A link in the panel goes to that dataset.
    await page.click('#panel [data-goto] >> text="model_input_table"');
    await expect.poll(() => page.textContent("#panel h2")).toBe("model_input_table");
    expect(await page.textContent("#panel")).toContain("One row per shuttle");
    await page.keyboard.press("Escape");
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("collapses a namespace into one card and expands it again", async () => {
    const { page, errors } = await openFromDisk(browser, "collapse", renderHtml(plan));
    await page.click('#viewport .grp[data-id="data_science.active"] .grp-head');
    await page.waitForSelector(node("data_science.active.train_model"), { state: "detached" });
    const card = '#viewport .v-group[data-id="data_science.active"]';
    expect(await page.textContent(card)).toContain("3 nodes · 6 datasets");
    expect(await ids(page, "node")).not.toContain("data_science.active.split_data");
    expect(await ids(page, "node")).toContain("data_science.candidate.split_data");
    expect(await page.getAttribute('.tree-row[data-group="2"] .tree-toggle', "aria-expanded")).toBe(
      "false",
    );
    await screenshot(page, "collapsed");
    await page.click(`${card} .grp-expand`);
    await page.waitForSelector(node("data_science.active.train_model"));
    // The sidebar tree collapses too, the outer namespace hiding the inner ones.
    await page.click('.tree-row[data-group="1"] .tree-toggle');
    await page.waitForSelector('#viewport .v-group[data-id="data_science"]');
    expect((await ids(page, "node")).filter((id) => id?.startsWith("data_science"))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("finds a node by name and goes to it", async () => {
    const { page, errors } = await openFromDisk(browser, "search", renderHtml(plan));
    await page.fill("#search", "train_mod");
    const results = await page.$$eval("#search-results [data-result] .r-id", (els) =>
      els.map((e) => e.textContent),
    );
    expect(results).toEqual([
      "data_science.active.train_model",
      "data_science.candidate.train_model",
    ]);
    expect(
      await page.$$eval("#viewport .v.match", (els) => els.map((e) => e.getAttribute("data-id"))),
    ).toHaveLength(2);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.textContent("#panel .p-id"))
      .toBe("data_science.candidate.train_model");
    // A match inside a collapsed namespace is revealed.
    await page.click('.tree-row[data-group="0"] .tree-toggle');
    await page.waitForSelector('#viewport .v-group[data-id="data_processing"]');
    await page.fill("#search", "preprocess_shuttles");
    expect(await page.textContent("#search-results")).toContain("in a collapsed namespace");
    await page.keyboard.press("Enter");
    await page.waitForSelector(node("data_processing.preprocess_shuttles"));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters by tag", async () => {
    const { page, errors } = await openFromDisk(browser, "tags", renderHtml(plan));
    await page.click('#tags [data-tag] >> text="evaluation"');
    await expect.poll(async () => (await ids(page, "node")).length).toBe(2);
    expect((await ids(page, "node")).sort()).toEqual([
      "data_science.active.evaluate_model",
      "data_science.candidate.evaluate_model",
    ]);
    expect(await ids(page, "dataset")).not.toContain("companies");
    await page.click('#tags [data-tag] >> text="preprocessing"');
    await expect.poll(async () => (await ids(page, "node")).length).toBe(5);
    await page.click("#tags-clear");
    await expect.poll(async () => (await ids(page, "node")).length).toBe(9);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("pans, zooms, shows params and pretty names, and switches theme", async () => {
    const { page, errors } = await openFromDisk(browser, "view", renderHtml(plan));
    const transform = () => page.getAttribute("#viewport", "transform");
    const zoom = () => page.textContent("#zoom-level");
    const before = await zoom();
    await page.mouse.move(700, 450);
    await page.mouse.wheel(0, -400);
    await expect.poll(zoom).not.toBe(before);
    const t0 = await transform();
    await page.mouse.move(600, 200);
    await page.mouse.down();
    await page.mouse.move(700, 260, { steps: 5 });
    await page.mouse.up();
    expect(await transform()).not.toBe(t0);
    await page.check("#show-params");
    await expect.poll(async () => (await ids(page, "param")).length).toBe(4);
    await page.check("#pretty");
    expect(await page.textContent(`${node("data_processing.preprocess_companies")} .label`)).toBe(
      "Preprocess Companies",
    );
    const theme = await page.getAttribute("html", "data-theme");
    await page.click("#theme");
    expect(await page.getAttribute("html", "data-theme")).not.toBe(theme);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("a big page", () => {
  it("draws boxes only when far, full boxes around the view when near, and follows panning", async () => {
    const big = largePlan(800, { namespaces: true });
    const { page, errors } = await openFromDisk(browser, "big", renderHtml(big));
    const count = (sel: string) => page.$$eval(sel, (els) => els.length);
    expect(await count("#viewport .v-node")).toBe(800);
    expect(await count("#viewport .v .label")).toBe(0);
    await page.mouse.move(760, 450);
    // One wheel turn, so there is one redraw and no intermediate drawing to mistake for it.
    await page.mouse.wheel(0, -1800);
    await expect.poll(() => count("#viewport .v .label"), { timeout: 20_000 }).toBeGreaterThan(0);
    // Take the drawn set once the redraws after the last wheel have landed.
    const near = await settled(() => ids(page, "node"));
    expect(near.length).toBeLessThan(800);
    await page.mouse.move(1200, 450);
    await page.mouse.down();
    await page.mouse.move(300, 300, { steps: 8 });
    await page.mouse.up();
    await expect
      .poll(async () => (await ids(page, "node")).some((id) => !near.includes(id)), {
        timeout: 20_000,
      })
      .toBe(true);
    await screenshot(page, "big-near");
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the run overlay", () => {
  const statuses = [
    "ran",
    "cached",
    "ran",
    "ran",
    "ran",
    "failed",
    "cached",
    "cached",
    "skipped",
  ] as const;
  const run: RunOverlay = {
    id: "20240501-100000-ab12",
    status: "failed",
    startedAt: "2024-05-01T10:00:00Z",
    nodes: plan.nodes.map((n, i) => ({
      name: n.id,
      status: statuses[i]!,
      durationMs: 250 * (i + 1),
      ...(n.name === "evaluate_model" && { metrics: { r2: 0.87123, mae: 1234.5 } }),
      ...(statuses[i] === "failed" && {
        error: { message: "ValueError: shapes (3,2) and (3,) not aligned" },
      }),
    })),
  };

  it("colours nodes by status, shows durations, and metrics in the panel", async () => {
    const { page, errors } = await openFromDisk(browser, "run", renderHtml(plan, { run }));
    for (const [i, n] of plan.nodes.entries()) {
      expect(await page.getAttribute(node(n.id), "class")).toContain(`st-${statuses[i]}`);
    }
    const accent = (id: string) =>
      page.$eval(`${node(id)} .accent`, (e) => (globalThis as any).getComputedStyle(e).fill);
    const colours = new Set(await Promise.all(plan.nodes.slice(0, 9).map((n) => accent(n.id))));
    expect(colours.size).toBe(4); // ran, cached, failed, skipped all look different
    expect(await page.textContent(`${node("data_processing.preprocess_companies")} .dur`)).toBe(
      "250 ms",
    );
    expect(await page.textContent(`${node("data_science.active.evaluate_model")} .dur`)).toBe(
      "1.5 s",
    );
    expect(await page.textContent("#run-summary")).toContain("20240501-100000-ab12");
    await page.click(node("data_science.active.evaluate_model"));
    const panel = (await page.textContent("#panel")) ?? "";
    expect(panel).toContain("failed");
    expect(panel).toContain("ValueError: shapes (3,2) and (3,) not aligned");
    await page.keyboard.press("Escape");
    await page.click(node("data_science.candidate.evaluate_model"));
    const metrics = await page.$$eval("#panel .metrics tr", (rows) =>
      rows.map((r) => r.textContent),
    );
    expect(metrics).toEqual(["r20.87123", "mae1234.5"]);
    await screenshot(page, "run");
    // A collapsed namespace takes the colour of its worst node.
    await page.click('.tree-row[data-group="1"] .tree-toggle');
    await page.waitForSelector('#viewport .v-group.st-failed[data-id="data_science"]');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("hostile names", () => {
  it("render as text: no script runs, no element is injected", async () => {
    const { page, errors } = await openFromDisk(
      browser,
      "hostile",
      renderHtml(hostilePlan(), { title: "</title><script>window.__pwned=4</script>" }),
    );
    expect(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    expect(await page.$$("img, b, iframe")).toHaveLength(0);
    expect(await page.title()).toBe("</title><script>window.__pwned=4</script>");
    const titles = await page.$$eval("#viewport .v", (els) =>
      els.map((e) => e.getAttribute("data-id")),
    );
    expect(titles).toContain(`${HOSTILE.namespace}.${HOSTILE.node}`);
    expect(titles).toContain(`${HOSTILE.namespace}.${HOSTILE.dataset}`);
    await page.click('#viewport [data-kind="node"]');
    expect(await page.textContent("#panel h2")).toBe(HOSTILE.node);
    expect(await page.textContent("#panel")).toContain(
      "</script><script>window.__pwned=3</script>",
    );
    await page.fill("#search", "<img");
    expect(await page.textContent("#search-results .r-id")).toBe(
      `${HOSTILE.namespace}.${HOSTILE.dataset}`,
    );
    await page.click("#tags [data-tag]");
    await expect.poll(async () => (await ids(page, "node")).length).toBe(1);
    await screenshot(page, "hostile");
    expect(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("Mermaid output, read by Mermaid itself", () => {
  it("parses and renders, hostile labels as literal text", async () => {
    const mermaidJs = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
    const { page, errors } = await openFromDisk(
      browser,
      "mermaid",
      "<!doctype html><html><body><div id=out></div></body></html>".replace(
        "<body>",
        '<body><script>document.documentElement.dataset.ready="true"</script>',
      ),
    );
    await page.addScriptTag({ path: mermaidJs });
    // Every shared hostile string as the name of a map node, a node and a partitioned dataset.
    const strange = [...SHARED_HOSTILE, "end", "subgraph", "click", "A-->B", "x[[y]]", "%%"].map(
      (s, i) => hostileMapPlan(s, `${s}.${i}`),
    );
    const sources = [plan, hostilePlan(), mapPlan(), hostileMapPlan(), ...strange].map(
      renderMermaid,
    );
    const result = await page.evaluate(async (texts) => {
      const doc = (globalThis as any).document;
      const m = (globalThis as any).mermaid;
      m.initialize({ startOnLoad: false, securityLevel: "strict" });
      const parsed: string[] = [];
      for (const text of texts)
        parsed.push(
          await m.parse(text).then((p: { diagramType: string }) => p.diagramType, String),
        );
      // Render each one (rendering checks more than parsing), keeping the labels of each.
      const labels: string[][] = [];
      for (const [i, text] of texts.entries()) {
        const { svg } = await m.render(`diagram${i}`, text);
        doc.getElementById("out").innerHTML = svg;
        labels.push(
          [...doc.querySelectorAll("#out .nodeLabel, #out .cluster-label")].map(
            (e: any) => e.textContent,
          ),
        );
      }
      return {
        parsed,
        labels,
        injected: doc.querySelectorAll("#out img, #out b, #out script").length,
      };
    }, sources);
    expect(result.parsed).toEqual(Array(sources.length).fill("flowchart-v2"));
    for (const texts of [result.labels[1]!, result.labels[3]!]) {
      expect(texts.some((t) => t.includes(HOSTILE.node))).toBe(true);
      expect(texts.some((t) => t.includes(HOSTILE.dataset))).toBe(true);
      expect(texts).toContain(HOSTILE.namespace);
    }
    // Map nodes and partitioned datasets keep their marks.
    expect(result.labels[2]).toContain("clean (per partition)");
    expect(result.labels[2]).toContain("clean (partitioned)");
    expect(result.labels[3]).toContain(`${HOSTILE.node} (per partition)`);
    expect(result.injected).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    await screenshot(page, "mermaid-hostile");
    expect(errors).toEqual([]);
    void renderDot;
    await page.close();
  });
});

describe("serveViz in the browser", () => {
  it("reloads an open page when the page changes", async () => {
    const server = await serveViz({ html: renderHtml(plan, { title: "first" }), port: 0 });
    try {
      const page = await browser.context.newPage();
      await page.goto(server.url);
      await page.waitForSelector("html[data-ready=true]");
      expect(await page.title()).toBe("first");
      server.update(renderHtml(plan, { title: "second" }));
      await expect.poll(() => page.title(), { timeout: 20_000 }).toBe("second");
      await page.close();
    } finally {
      await server.close();
    }
  });
});
