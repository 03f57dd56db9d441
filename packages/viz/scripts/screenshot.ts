// Writes docs/images/viz-spaceflights.png, the README's picture of the page:
// `npx tsx packages/viz/scripts/screenshot.ts` from the repository root. It draws the
// real examples/spaceflights plan, with its latest run record when there is one
// (`pipewright run` in examples/spaceflights makes one), and opens a node's panel.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { examplePlan, repoRoot } from "../../../test/support/example-plan.ts";
import { type RunOverlay, renderHtml } from "../src/index.ts";
import { launchBrowser } from "../test/support/browser.ts";

const runs = join(repoRoot, "examples", "spaceflights", ".pipewright", "runs");
const latest = existsSync(runs)
  ? readdirSync(runs)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .at(-1)
  : undefined;
const run = latest
  ? (JSON.parse(readFileSync(join(runs, latest), "utf8")) as RunOverlay)
  : undefined;
const plan = await examplePlan("spaceflights");
const file = join(tmpdir(), "pw-viz-spaceflights.html");
writeFileSync(file, renderHtml(plan, { ...(run && { run }), title: "spaceflights" }));

const browser = await launchBrowser({ scale: 2, width: 1600, height: 860 });
try {
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("html[data-ready=true]");
  await page.click('#viewport [data-id="candidate.evaluate_model"]');
  await page.keyboard.press("f"); // fit the whole pipeline beside the panel
  await page.waitForTimeout(500);
  // Zoom in at the selected node: it stays put beside the panel, its upstream spreads left.
  const table = await page.locator('#viewport [data-id="candidate.train_model"]').boundingBox();
  if (table) {
    await page.mouse.move(table.x + table.width / 2, table.y + table.height / 2);
    await page.mouse.wheel(0, -520);
  }
  await page.mouse.move(5, 845);
  await page.waitForTimeout(500);
  const out = join(repoRoot, "docs", "images", "viz-spaceflights.png");
  mkdirSync(join(repoRoot, "docs", "images"), { recursive: true });
  await page.screenshot({ path: out });
  process.stderr.write(`wrote ${out}${run ? ` (run ${run.id})` : ""}\n`);
} finally {
  await browser.close();
}
